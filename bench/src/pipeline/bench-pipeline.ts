// The pipeline bench: median total and per-stage ms for every mode × N, then the ratios the targets are
// stated in (vhs/clip, vhs/reference per N) and each mode's per-candidate slope — all from the same run.

import { performance } from "node:perf_hooks";
import { stageMedians } from "../harness/repeat.js";
import { linearFit, median, round, summarize } from "../stats/summarize.js";
import type { BenchMode, ModeRunner, TimedRun } from "./types.js";

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
  /** Total ms of each measured round, in round order (pairs runs of different modes in time). */
  round_totals_ms: number[];
}

export interface PipelineRatios {
  /** Ratio of the two modes' median totals, per N. */
  vhs_over_clip: Record<string, number>;
  vhs_over_reference: Record<string, number>;
  /** Median over rounds of the same round's ratio (runs seconds apart): robust to slow drift. */
  paired_vhs_over_clip: Record<string, number>;
  paired_vhs_over_reference: Record<string, number>;
  /** ms per extra candidate (least squares over the measured N), per mode. */
  per_candidate_slope_ms: Record<string, number>;
  /** Fixed cost (intercept) of the same fit. */
  intercept_ms: Record<string, number>;
}

export interface PipelineOptions {
  bundle: string;
  ns: readonly number[];
  modes: readonly BenchMode[];
  /** Rounds: each runs every (mode, N) cell once; warm-up rounds (smallest N per mode) are discarded. */
  warmupRounds: number;
  minRounds: number;
  maxRounds: number;
  /** No new round starts (beyond minRounds) once measured rounds have taken this long. */
  budgetMs: number;
  /** Called after each round so a long run shows progress. */
  onRound?: (round: number, ms: number) => void;
}

/** Distinct prompt per run so the backend's prompt-embedding cache never hides the text encoder. */
export function benchPrompt(mode: string, n: number, run: number): string {
  return `a red fox standing in fresh snow, morning light, case ${mode}-${n}-${run}`;
}

interface Cell {
  mode: BenchMode;
  n: number;
  runs: TimedRun[];
}

/**
 * Every cell once per round, in the same order, so slow drift on a shared machine (other processes,
 * CPU frequency) lands on all modes alike and the ratios stay fair.
 */
export async function benchPipeline(runner: ModeRunner, opts: PipelineOptions): Promise<PipelineRow[]> {
  // Ordered by N, then mode: the modes compared at one N run back to back, seconds apart.
  const cells: Cell[] = [];
  for (const n of opts.ns) {
    // `none` scores nothing, so only N = 1 exists for it.
    for (const mode of opts.modes) if (mode !== "none" || n === 1) cells.push({ mode, n, runs: [] });
  }
  const runCell = async (cell: Cell, index: number) => {
    const r = await runner.run(cell.mode, cell.n, benchPrompt(cell.mode, cell.n, index), 1000 + index * 64);
    if (r.n !== cell.n) throw new Error(`${cell.mode} N=${cell.n}: runner generated ${r.n} candidates`);
    return r;
  };
  // Warm-up runs each mode at the smallest N: the backend's start-up profile has already run every graph
  // at every batch size in the bench, and the reference's graph shapes do not depend on N.
  const smallest = Math.min(...opts.ns);
  for (let w = 0; w < opts.warmupRounds; w++) {
    for (const cell of cells) if (cell.n === smallest) await runCell(cell, -1 - w);
  }
  let spent = 0;
  for (let r = 0; r < opts.maxRounds && (r < opts.minRounds || spent < opts.budgetMs); r++) {
    const t0 = performance.now();
    for (const cell of cells) cell.runs.push(await runCell(cell, r));
    const dt = performance.now() - t0;
    spent += dt;
    opts.onRound?.(r, dt);
  }
  const modeOrder = (m: BenchMode) => opts.modes.indexOf(m);
  cells.sort((a, b) => modeOrder(a.mode) - modeOrder(b.mode) || a.n - b.n);
  return cells.map((cell) => {
    const totals = summarize(cell.runs.map((r) => r.total_ms));
    return {
      bundle: opts.bundle,
      mode: cell.mode,
      n: cell.n,
      total_ms: round(totals.median),
      p90_ms: round(totals.p90),
      stages: mapValues(
        stageMedians(
          cell.runs.map((r) => r.stages),
          median,
        ),
        round,
      ),
      runs: cell.runs.length,
      round_totals_ms: cell.runs.map((r) => round(r.total_ms)),
    };
  });
}

export function pipelineRatios(rows: readonly PipelineRow[]): PipelineRatios {
  const row = (mode: BenchMode, n: number) => rows.find((r) => r.mode === mode && r.n === n);
  const at = (mode: BenchMode, n: number) => row(mode, n)?.total_ms;
  const paired = (a: PipelineRow, b: PipelineRow | undefined): number | undefined => {
    const k = Math.min(a.round_totals_ms.length, b?.round_totals_ms.length ?? 0);
    if (!b || k === 0) return undefined;
    return round(
      median(a.round_totals_ms.slice(0, k).map((v, i) => v / (b.round_totals_ms[i] ?? Number.NaN))),
      4,
    );
  };
  const ratios: PipelineRatios = {
    vhs_over_clip: {},
    vhs_over_reference: {},
    paired_vhs_over_clip: {},
    paired_vhs_over_reference: {},
    per_candidate_slope_ms: {},
    intercept_ms: {},
  };
  for (const vhs of rows) {
    if (vhs.mode !== "vhs") continue;
    const key = String(vhs.n);
    const clip = at("clip", vhs.n);
    const ref = at("reference", vhs.n);
    if (clip !== undefined) ratios.vhs_over_clip[key] = round(vhs.total_ms / clip, 4);
    if (ref !== undefined) ratios.vhs_over_reference[key] = round(vhs.total_ms / ref, 4);
    const pc = paired(vhs, row("clip", vhs.n));
    const pr = paired(vhs, row("reference", vhs.n));
    if (pc !== undefined) ratios.paired_vhs_over_clip[key] = pc;
    if (pr !== undefined) ratios.paired_vhs_over_reference[key] = pr;
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
