// Per-job record of every graph run (stage, batch, ms): the worker sends it back so the HTTP thread can
// feed the latency histograms and the per-graph run counters that tests read from /metrics.

import { performance } from "node:perf_hooks";
import type { StageSample } from "./types.js";

export class JobTrace {
  readonly samples: StageSample[] = [];

  async time<T>(stage: string, batch: number, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await run();
    this.samples.push({ stage, batch, ms: performance.now() - start });
    return result;
  }

  /** Total ms spent in the named stages (for the response's timings). */
  totalMs(...stages: string[]): number {
    return this.samples.filter((s) => stages.includes(s.stage)).reduce((sum, s) => sum + s.ms, 0);
  }
}
