// Runs the benches in order, each sized to the time left, each failure recorded (never hidden) so the
// others still run: proportions → pipeline → planner → backend overhead → edge.

import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import {
  DEFAULT_NETWORK_MARGIN_MS,
  minimumBudgetMs,
  type Profile,
  planCandidates,
  predictMs,
} from "@tinyscale/shared";
import type { LoadedBundle } from "../backend/internals.js";
import type { ProductRunner } from "../backend/product-runner.js";
import { benchLoad, LOAD_CONCURRENCY, type LoadResult } from "../load/bench-load.js";
import { type BackendOverheadResult, benchBackendOverhead } from "../overhead/bench-backend-overhead.js";
import { benchEdge, type EdgeResult } from "../overhead/bench-edge.js";
import {
  benchPipeline,
  type PipelineRatios,
  type PipelineRow,
  pipelineRatios,
} from "../pipeline/bench-pipeline.js";
import type { ReferenceRunner } from "../pipeline/reference-runner.js";
import type { BenchMode, ModeRunner } from "../pipeline/types.js";
import {
  benchPlanner,
  budgetLadder,
  type PlannerResult,
  type ProfileCheck,
} from "../planner/bench-planner.js";
import { type GraphTimes, measureGraphs } from "../proportions/measure-graphs.js";
import { proportionTable } from "../proportions/proportion-table.js";
import type { ProportionRow } from "../proportions/types.js";
import { round } from "../stats/summarize.js";
import { log } from "./clock.js";
import type { RunOptions, Section } from "./options.js";
import type { PreparedBundle } from "./prepare-bundle.js";

export interface SectionContext {
  opts: RunOptions;
  bundle: PreparedBundle;
  product: ProductRunner;
  reference: ReferenceRunner;
  refBundle: LoadedBundle;
  /** performance.now() when the runner started; the budget counts from there. */
  startedAt: number;
}

export interface SectionResults {
  profile: Profile;
  graphTimes?: GraphTimes;
  proportions?: ProportionRow[];
  pipeline?: { rows: PipelineRow[]; ratios: PipelineRatios; rounds: number };
  planner?: PlannerResult;
  /** The start-up profile's vhs predictions beside the pipeline bench's medians (was the profile right?). */
  profileCheck?: ProfileCheck[];
  backend?: BackendOverheadResult;
  edge?: EdgeResult;
  /** The load section: closed-loop clients, legacy vs batching scheduler. */
  loadBench?: LoadResult;
  missing: Record<string, string>;
  /** 1-minute load average when each section started (others' processes share these cores). */
  load: Record<string, number>;
}

export const PIPELINE_NS = [1, 2, 4, 8, 16] as const;
const MODES: readonly BenchMode[] = ["vhs", "clip", "ae", "none", "reference"];
// Share of the time left (when each section starts) it may use; the edge needs a fixed ~25 s.
const SHARE: Record<Exclude<Section, "edge" | "load">, number> = {
  proportions: 0.05,
  pipeline: 0.62,
  planner: 0.6,
  overhead: 0.7,
};
// The edge bench needs ~25 s and the load bench (2 schedulers × 40 cells of 4 s) ~4 min after it.
const EDGE_RESERVE_MS = 280_000;

export async function runSections(ctx: SectionContext): Promise<SectionResults> {
  const { opts, product } = ctx;
  const budgetMs = opts.budgetS * 1000;
  const left = () => Math.max(0, budgetMs - (performance.now() - ctx.startedAt) - EDGE_RESERVE_MS);
  const profile = product.profile();
  const out: SectionResults = { profile, missing: {}, load: { start: loadNow() } };
  const combined: ModeRunner = {
    modes: MODES,
    run: (mode, n, prompt, seed) =>
      mode === "reference" ? ctx.reference.run(n, prompt, seed) : product.run(mode, n, prompt, seed),
    close: async () => {},
  };
  const attempt = async (section: Section, body: () => Promise<void>) => {
    if (!opts.sections.has(section)) {
      out.missing[section] = `${section} section not selected (--only)`;
      return;
    }
    const t0 = performance.now();
    out.load[section] = loadNow();
    try {
      await body();
      log(`${section} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      out.missing[section] = `${section} failed: ${(err as Error).message}`;
      log(`${section} FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  };

  await attempt("proportions", async () => {
    const perGraph = (left() * SHARE.proportions) / 9;
    const times = await measureGraphs(ctx.refBundle, {
      warmup: 1,
      minRuns: 3,
      maxRuns: opts.quick ? 3 : 15,
      budgetMs: opts.quick ? 0 : perGraph,
    });
    out.graphTimes = times;
    if ("gflop" in ctx.bundle.flops) out.proportions = proportionTable(ctx.bundle.flops.gflop, times);
    else out.missing.proportions = ctx.bundle.flops.error;
  });

  await attempt("pipeline", async () => {
    const budget = left() * SHARE.pipeline;
    let rounds = 0;
    const rows = await benchPipeline(combined, {
      bundle: ctx.bundle.id,
      ns: PIPELINE_NS,
      modes: MODES,
      warmupRounds: 1,
      minRounds: opts.quick ? 1 : 3,
      maxRounds: opts.quick ? 1 : 25,
      budgetMs: opts.quick ? 0 : budget,
      onRound: (r, ms) => {
        rounds = r + 1;
        log(`pipeline round ${r + 1} took ${(ms / 1000).toFixed(1)} s`);
      },
    });
    out.pipeline = { rows, ratios: pipelineRatios(rows), rounds };
  });

  await attempt("planner", async () => {
    const budget = left() * SHARE.planner;
    const n1 = predictMs(profile, "vhs", 1).total_ms;
    const budgets = opts.quick ? 4 : 8;
    const maxFactor = 20;
    // One pass = each budget's planned run; N not seen before also pays one warm-up run.
    const warmNs = new Set<number>(out.pipeline ? PIPELINE_NS : []);
    let passMs = 0;
    let warmMs = 0;
    const margin = DEFAULT_NETWORK_MARGIN_MS;
    for (const b of budgetLadder(minimumBudgetMs(profile, "vhs", margin), budgets, maxFactor)) {
      const plan = planCandidates(profile, { budget_ms: b, verifier: "vhs", network_margin_ms: margin });
      passMs += plan.predicted_ms;
      if (!warmNs.has(plan.n)) warmMs += plan.predicted_ms;
      warmNs.add(plan.n);
    }
    const passes = Math.floor((budget - warmMs) / passMs);
    const runsPerBudget = opts.quick ? 1 : Math.max(2, Math.min(6, passes));
    log(
      `planner: ${budgets} budgets × ${runsPerBudget} runs (+ warm-ups for new N), N=1 predicted ${n1.toFixed(1)} ms, ` +
        `one pass ≈ ${(passMs / 1000).toFixed(0)} s`,
    );
    out.profileCheck = (out.pipeline?.rows ?? [])
      .filter((row) => row.mode === "vhs")
      .map((row) => ({
        n: row.n,
        predicted_ms: round(predictMs(profile, "vhs", row.n).total_ms),
        pipeline_median_ms: row.total_ms,
      }));
    out.planner = await benchPlanner(
      product,
      profile,
      {
        mode: "vhs",
        budgets,
        maxFactor,
        runsPerBudget,
        warmupPerBudget: 1,
        maxN: profile.max_n,
        networkMarginMs: margin,
        alreadyWarm: out.pipeline ? PIPELINE_NS : [],
      },
      (r) =>
        log(
          `planner budget ${r.budget_ms} ms → N=${r.n}: predicted ${r.predicted_ms}, measured ${r.measured_ms}`,
        ),
    );
  });

  await attempt("overhead", async () => {
    const budget = left() * SHARE.overhead;
    const per = predictMs(profile, "vhs", 4).total_ms + 5;
    const requests = opts.quick ? 5 : Math.max(15, Math.min(200, Math.floor((budget * 0.6) / per)));
    const loopRequests = opts.quick ? 5 : Math.max(15, Math.min(100, Math.floor((budget * 0.3) / per)));
    log(
      `overhead: ${loopRequests} requests for event-loop delay, ${requests} for time outside session.run()`,
    );
    out.backend = await benchBackendOverhead(product, { n: 4, warmup: 3, requests, loopRequests });
  });

  await attempt("edge", async () => {
    out.edge = await benchEdge({
      profile,
      warmup: opts.quick ? 10 : 50,
      requests: opts.quick ? 50 : 300,
      connections: 10,
      durationS: opts.quick ? 2 : 5,
    });
  });
  await attempt("load", async () => {
    // Its own backends (tiny bundle, legacy and batching scheduler) beside the product one, which idles.
    out.loadBench = await benchLoad({
      cellSeconds: opts.quick ? 1.5 : 4,
      concurrency: opts.quick ? [1, 16, 64] : LOAD_CONCURRENCY,
      budgets: opts.quick ? ["400"] : ["400", "2x"],
    });
  });
  out.load.end = loadNow();
  return out;
}

function loadNow(): number {
  return round(loadavg()[0] ?? 0, 2);
}
