// A closed loop of `concurrency` clients, each sending its next request as soon as the last one answered
// (after a 503, when its Retry-After has passed, as a well-behaved client does), for a fixed time.
// Every answer is kept: status, time to answer, the candidates that ran.

import { performance } from "node:perf_hooks";
import { METADATA_HEADER } from "@tinyscale/shared";

export interface Answer {
  status: number;
  ms: number;
  /** Candidates that ran (200 only). */
  n: number | null;
  /** The edge's own phases from its Server-Timing header (ms by phase name); empty straight to a backend. */
  phases: Record<string, number>;
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
}

function candidatesOf(response: Response): number | null {
  try {
    const metadata = JSON.parse(response.headers.get(METADATA_HEADER) ?? "") as { n?: unknown };
    return typeof metadata.n === "number" ? metadata.n : null;
  } catch {
    return null;
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
      try {
        const response = await fetch(opts.url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(opts.body(c, i)),
        });
        await response.arrayBuffer();
        status = response.status;
        if (status === 200) n = candidatesOf(response);
        retryAfterS = Number(response.headers.get("retry-after") ?? 0) || 0;
        phases = serverTimingPhases(response.headers.get("server-timing"));
      } catch {
        status = 0; // connection failed: counted, never hidden
      }
      answers.push({ status, ms: performance.now() - sent, n, phases });
      if (status === 503 || status === 0) {
        const wait = Math.min(Math.max(retryAfterS, 0.05) * 1000, Math.max(0, end - performance.now()));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => client(c)));
  return { answers, elapsedS: (performance.now() - started) / 1000 };
}
