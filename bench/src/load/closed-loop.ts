// A closed loop of `concurrency` clients, each sending its next request as soon as the last one answered
// (after a 503, when its Retry-After has passed, as a well-behaved client does), for a fixed time.
// Every answer is kept: status, time to answer, the candidates that ran.

import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { METADATA_HEADER } from "@tinyscale/shared";

export interface Answer {
  status: number;
  ms: number;
  /** Candidates that ran (200 only). */
  n: number | null;
  /**
   * The edge's own phases from its Server-Timing header (ms by phase name); straight to a backend, its
   * `backend` time from the answer's metadata (200 only).
   */
  phases: Record<string, number>;
  /** Why a 503 was refused: its message with the numbers taken out, so that the same reason counts once. */
  reason?: string;
}

export interface LoopOptions {
  url: string;
  /** Headers of client `c`'s requests (e.g. its own API key), or the same for every client. */
  headers: Record<string, string> | ((client: number) => Record<string, string>);
  concurrency: number;
  durationMs: number;
  /** The JSON body of client `c`'s `i`-th request. */
  body(client: number, i: number): unknown;
}

export interface LoopResult {
  answers: Answer[];
  elapsedS: number;
  /**
   * p99 of this process's event-loop delay during the loop (ms): how late the load generator itself
   * sends and reads. Every client's times include it, so a cell's latencies are only as good as this.
   */
  clientLagP99Ms: number;
}

interface Metadata {
  n?: unknown;
  timings?: { total_ms?: unknown };
}

function metadataOf(response: Response): Metadata {
  try {
    return JSON.parse(response.headers.get(METADATA_HEADER) ?? "") as Metadata;
  } catch {
    return {};
  }
}

function candidatesOf(metadata: Metadata): number | null {
  return typeof metadata.n === "number" ? metadata.n : null;
}

/**
 * Straight to a backend (no Server-Timing): its own time from arrival to answer, so that `outside` shows
 * what it does not see (its event loop before the request is read, the response on its way, the client).
 */
function backendPhases(metadata: Metadata): Record<string, number> {
  const total = metadata.timings?.total_ms;
  return typeof total === "number" ? { backend: total } : {};
}

/** A refusal's message, numbers replaced by #: "the backend's queue (~311 ms) …" → "the backend's queue (~# ms) …". */
export function refusalReason(body: ArrayBuffer): string {
  try {
    const message = (JSON.parse(new TextDecoder().decode(body)) as { error?: { message?: unknown } }).error
      ?.message;
    return typeof message === "string" ? message.replace(/\d+(\.\d+)?/g, "#") : "(no message)";
  } catch {
    return "(not JSON)";
  }
}

/** `auth;dur=3, plan;dur=0, …` → { auth: 3, plan: 0, … } */
export function serverTimingPhases(header: string | null): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const entry of (header ?? "").split(",")) {
    const [name, ...params] = entry.trim().split(";");
    const dur = params.find((p) => p.trim().startsWith("dur="));
    const ms = dur ? Number(dur.trim().slice(4)) : Number.NaN;
    if (name && Number.isFinite(ms)) phases[name] = ms;
  }
  return phases;
}

export async function closedLoop(opts: LoopOptions): Promise<LoopResult> {
  const answers: Answer[] = [];
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const started = performance.now();
  const end = started + opts.durationMs;
  const client = async (c: number) => {
    const headers = typeof opts.headers === "function" ? opts.headers(c) : opts.headers;
    for (let i = 0; performance.now() < end; i++) {
      const sent = performance.now();
      let status = 0;
      let n: number | null = null;
      let retryAfterS = 0;
      let phases: Record<string, number> = {};
      let reason: string | undefined;
      try {
        const response = await fetch(opts.url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(opts.body(c, i)),
        });
        const body = await response.arrayBuffer();
        status = response.status;
        if (status === 503) reason = refusalReason(body);
        const metadata = status === 200 ? metadataOf(response) : {};
        if (status === 200) n = candidatesOf(metadata);
        retryAfterS = Number(response.headers.get("retry-after") ?? 0) || 0;
        phases = serverTimingPhases(response.headers.get("server-timing"));
        if (Object.keys(phases).length === 0) phases = backendPhases(metadata);
      } catch {
        status = 0; // connection failed: counted, never hidden
      }
      answers.push({ status, ms: performance.now() - sent, n, phases, ...(reason ? { reason } : {}) });
      if (status === 503 || status === 0) {
        const wait = Math.min(Math.max(retryAfterS, 0.05) * 1000, Math.max(0, end - performance.now()));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => client(c)));
  lag.disable();
  return {
    answers,
    elapsedS: (performance.now() - started) / 1000,
    clientLagP99Ms: lag.percentile(99) / 1e6,
  };
}
