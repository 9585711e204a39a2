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
      } catch {
        status = 0; // connection failed: counted, never hidden
      }
      answers.push({ status, ms: performance.now() - sent, n });
      if (status === 503 || status === 0) {
        const wait = Math.min(Math.max(retryAfterS, 0.05) * 1000, Math.max(0, end - performance.now()));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => client(c)));
  return { answers, elapsedS: (performance.now() - started) / 1000 };
}
