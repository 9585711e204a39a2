// Backend overhead at N=4 (vhs): per request, the time the backend spends outside session.run() — HTTP,
// validation, admission, worker messaging, tokenizing, noise, tensor copies, PNG encode — and the HTTP
// thread's event-loop delay while the worker runs inference.

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { ProductRunner } from "../backend/product-runner.js";
import { round, summarize } from "../stats/summarize.js";

// Node's histogram records each whole timer interval (resolution + delay); the delay is the excess.
const LOOP_RESOLUTION_MS = 1;

/** Trace stages that are not a session.run() (sharp's PNG encode). */
const NON_GRAPH_STAGES = new Set(["image_encode"]);

export interface BackendOverheadResult {
  mode: "vhs";
  n: number;
  requests: number;
  /** Backend-side: response total_ms (arrival → response built, ms clock) − Σ session.run() ms. */
  outside_run_ms: { p50: number; p99: number; mean: number };
  /** The same without the PNG encode (sharp), i.e. pure plumbing. */
  outside_run_excl_png_ms: { p50: number; p99: number };
  /** Client-side upper bound: wall time at the caller − Σ session.run() ms (adds loopback HTTP + JSON). */
  outside_run_client_ms: { p50: number; p99: number };
  session_run_ms: { p50: number };
  png_encode_ms: { p50: number };
  /** Event-loop delay of the process hosting the backend's HTTP thread while requests ran. */
  event_loop_delay_ms: { p50: number; p99: number; max: number; samples: number };
}

export async function benchBackendOverhead(
  runner: ProductRunner,
  opts: { n: number; warmup: number; requests: number; loopRequests: number },
): Promise<BackendOverheadResult> {
  let seed = 90_000;
  for (let i = 0; i < opts.warmup; i++) await runner.generate("vhs", opts.n, `overhead warm-up ${i}`, seed++);

  // Phase 1: event-loop delay while inference runs, with nothing but the requests on the loop.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  for (let i = 0; i < opts.loopRequests; i++) {
    await runner.generate("vhs", opts.n, `a harbour at night, event loop case ${i}`, seed++);
  }
  loop.disable();

  // Phase 2: per-request time outside session.run(), from /metrics deltas around each request.
  const outside: number[] = [];
  const outsideNoPng: number[] = [];
  const outsideClient: number[] = [];
  const runMs: number[] = [];
  const pngMs: number[] = [];
  for (let i = 0; i < opts.requests; i++) {
    const before = await runner.stageSeconds();
    const { wallMs, body } = await runner.generate(
      "vhs",
      opts.n,
      `a harbour at night, overhead case ${i}`,
      seed++,
    );
    const after = await runner.stageSeconds();
    let graphs = 0;
    let png = 0;
    for (const [stage, sum] of Object.entries(after)) {
      const delta = (sum - (before[stage] ?? 0)) * 1000;
      if (NON_GRAPH_STAGES.has(stage)) png += delta;
      else graphs += delta;
    }
    runMs.push(graphs);
    pngMs.push(png);
    outside.push(body.timings.total_ms - graphs);
    outsideNoPng.push(body.timings.total_ms - graphs - png);
    outsideClient.push(wallMs - graphs);
  }
  const o = summarize(outside);
  const np = summarize(outsideNoPng);
  const c = summarize(outsideClient);
  // The histogram is in nanoseconds and includes the timer interval itself.
  const ns = (v: number) => round(Math.max(0, v / 1e6 - LOOP_RESOLUTION_MS));
  return {
    mode: "vhs",
    n: opts.n,
    requests: opts.requests,
    outside_run_ms: { p50: round(o.median), p99: round(o.p99), mean: round(o.mean) },
    outside_run_excl_png_ms: { p50: round(np.median), p99: round(np.p99) },
    outside_run_client_ms: { p50: round(c.median), p99: round(c.p99) },
    session_run_ms: { p50: round(summarize(runMs).median) },
    png_encode_ms: { p50: round(summarize(pngMs).median) },
    event_loop_delay_ms: {
      p50: ns(loop.percentile(50)),
      p99: ns(loop.percentile(99)),
      max: ns(loop.max),
      samples: loop.count,
    },
  };
}
