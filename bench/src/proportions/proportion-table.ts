// Joins counted FLOPs (export tool) with measured ms per graph into the proportions table: each graph's
// share of FLOPs, of the real pipeline's FLOPs, and of measured time, plus the GFLOP/s it achieved.

import { round } from "../stats/summarize.js";
import type { GraphTimes } from "./measure-graphs.js";
import { FUSED_GRAPHS, PRIMARY_GRAPHS, REAL_TFLOP } from "./real-flops.js";
import type { ProportionRow } from "./types.js";

/** `gflop`: GFLOP per batch-1 call, by graph name. Shares are over the primary graphs present in both. */
export function proportionTable(gflop: Record<string, number>, times: GraphTimes): ProportionRow[] {
  const primary = PRIMARY_GRAPHS.filter((g) => gflop[g] !== undefined && times[g] !== undefined);
  const sum = (f: (g: string) => number) => primary.reduce((s, g) => s + f(g), 0);
  const flopSum = sum((g) => gflop[g] ?? 0);
  const realSum = sum((g) => REAL_TFLOP[g] ?? 0);
  const msSum = sum((g) => times[g]?.median_ms ?? 0);
  const rows: ProportionRow[] = [];
  for (const graph of [
    ...primary,
    ...FUSED_GRAPHS.filter((g) => gflop[g] !== undefined && times[g] !== undefined),
  ]) {
    const f = gflop[graph] ?? 0;
    const ms = times[graph]?.median_ms ?? 0;
    const real = REAL_TFLOP[graph] ?? null;
    rows.push({
      graph,
      gflop: round(f, 4),
      real_tflop: real,
      flop_share: round(f / flopSum, 4),
      real_share: real === null ? null : round(real / realSum, 4),
      measured_ms: round(ms),
      time_share: round(ms / msSum, 4),
      gflop_per_s: round(f / (ms / 1000), 1),
    });
  }
  return rows;
}
