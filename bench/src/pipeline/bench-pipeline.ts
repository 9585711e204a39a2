// The pipeline bench: median total and per-stage ms for every mode × N, then the ratios issue 6 asks
// for (vhs/clip, vhs/reference per N) and each mode's per-candidate slope — all from the same run.

import { type RepeatOptions, repeat, stageMedians } from "../harness/repeat.js";
import { linearFit, median, round, summarize } from "../stats/summarize.js";
import type { BenchMode, ModeRunner } from "./types.js";

export interface PipelineRow {
  bundle: string;
  mode: BenchMode;
  n: number;
  /** Median over measured runs. */
  total_ms: number;
  p90_ms: number;
  /** Median per stage over measured runs. */
  stages: Record<string, number>;
  runs: number;
}

export interface PipelineRatios {
  vhs_over_clip: Record<string, number>;
  vhs_over_reference: Record<string, number>;
  /** ms per extra candidate (least squares over the measured N), per mode. */
  per_candidate_slope_ms: Record<string, number>;
  /** Fixed cost (intercept) of the same fit. */
  intercept_ms: Record<string, number>;
}

export interface PipelineOptions {
  bundle: string;
  ns: readonly number[];
  modes: readonly BenchMode[];
  repeat: RepeatOptions;
  /** Called after each cell so a long run shows progress. */
  onRow?: (row: PipelineRow) => void;
}

/** Distinct prompt per run so the backend's prompt-embedding cache never hides the text encoder. */
export function benchPrompt(mode: string, n: number, run: number): string {
  return `a red fox standing in fresh snow, morning light, case ${mode}-${n}-${run}`;
}

export async function benchPipeline(runner: ModeRunner, opts: PipelineOptions): Promise<PipelineRow[]> {
  const rows: PipelineRow[] = [];
  for (const mode of opts.modes) {
    // `none` scores nothing, so only N = 1 exists for it.
    const ns = mode === "none" ? opts.ns.filter((n) => n === 1) : opts.ns;
    for (const n of ns) {
      const { results } = await repeat(async (i) => {
        const r = await runner.run(mode, n, benchPrompt(mode, n, i), 1000 + i * 64);
        if (r.n !== n) throw new Error(`${mode} N=${n}: runner generated ${r.n} candidates`);
        return r;
      }, opts.repeat);
      const totals = summarize(results.map((r) => r.total_ms));
      const row: PipelineRow = {
        bundle: opts.bundle,
        mode,
        n,
        total_ms: round(totals.median),
        p90_ms: round(totals.p90),
        stages: mapValues(
          stageMedians(
            results.map((r) => r.stages),
            median,
          ),
          round,
        ),
        runs: results.length,
      };
      rows.push(row);
      opts.onRow?.(row);
    }
  }
  return rows;
}

export function pipelineRatios(rows: readonly PipelineRow[]): PipelineRatios {
  const at = (mode: BenchMode, n: number) => rows.find((r) => r.mode === mode && r.n === n)?.total_ms;
  const ratios: PipelineRatios = {
    vhs_over_clip: {},
    vhs_over_reference: {},
    per_candidate_slope_ms: {},
    intercept_ms: {},
  };
  for (const row of rows) {
    if (row.mode !== "vhs") continue;
    const clip = at("clip", row.n);
    const ref = at("reference", row.n);
    if (clip !== undefined) ratios.vhs_over_clip[String(row.n)] = round(row.total_ms / clip, 4);
    if (ref !== undefined) ratios.vhs_over_reference[String(row.n)] = round(row.total_ms / ref, 4);
  }
  const modes = [...new Set(rows.map((r) => r.mode))];
  for (const mode of modes) {
    const mine = rows.filter((r) => r.mode === mode);
    if (new Set(mine.map((r) => r.n)).size < 2) continue;
    const fit = linearFit(
      mine.map((r) => r.n),
      mine.map((r) => r.total_ms),
    );
    ratios.per_candidate_slope_ms[mode] = round(fit.slope);
    ratios.intercept_ms[mode] = round(fit.intercept);
  }
  return ratios;
}

function mapValues(obj: Record<string, number>, f: (v: number) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, f(v)]));
}
