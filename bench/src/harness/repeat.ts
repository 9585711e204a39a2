// Warm-up then repeated runs of one benchmark case, bounded by a run count and a time budget.
// Every reported figure is a statistic over these repeats; warm-up runs are discarded.

import { performance } from "node:perf_hooks";

export interface RepeatOptions {
  /** Runs thrown away first (JIT, ORT arena growth, caches). */
  warmup: number;
  /** Always at least this many measured runs, even past `budgetMs`. */
  minRuns: number;
  /** Never more than this many measured runs. */
  maxRuns: number;
  /** Stop adding runs (beyond `minRuns`) once measured runs have taken this long in total. */
  budgetMs: number;
}

export interface Repeated<T> {
  /** What each measured run returned, in order. */
  results: T[];
  /** Wall-clock ms of each measured run, as seen by the harness. */
  wallMs: number[];
}

export async function repeat<T>(
  run: (index: number) => Promise<T>,
  opts: RepeatOptions,
): Promise<Repeated<T>> {
  if (opts.minRuns < 1 || opts.maxRuns < opts.minRuns) throw new Error("repeat: need 1 ≤ minRuns ≤ maxRuns");
  for (let i = 0; i < opts.warmup; i++) await run(-1 - i);
  const results: T[] = [];
  const wallMs: number[] = [];
  let spent = 0;
  while (results.length < opts.maxRuns && (results.length < opts.minRuns || spent < opts.budgetMs)) {
    const t0 = performance.now();
    results.push(await run(results.length));
    const dt = performance.now() - t0;
    wallMs.push(dt);
    spent += dt;
  }
  return { results, wallMs };
}

/** Median of each named stage over runs, for stage maps like `{ text_encode: 3.1, propose: 10 }`. */
export function stageMedians(runs: readonly Record<string, number>[], pick: (v: number[]) => number) {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r)) keys.add(k);
  const out: Record<string, number> = {};
  for (const k of keys) {
    const values = runs.map((r) => r[k]).filter((v): v is number => typeof v === "number");
    if (values.length > 0) out[k] = pick(values);
  }
  return out;
}
