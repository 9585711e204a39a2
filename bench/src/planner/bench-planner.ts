// The planner bench: budgets from the N=1 cost up to 20× it, planned on the measured profile with the
// shared planner, run for real, and scored on predicted vs measured ms and whether the budget held.

import {
  minimumBudgetMs,
  type Profile,
  planCandidates,
  predictMs,
  type TinyscaleError,
} from "@tinyscale/shared";
import type { ModeRunner, ProductMode } from "../pipeline/types.js";
import { quantile, round } from "../stats/summarize.js";

export interface PlannerRun {
  budget_ms: number;
  n: number;
  predicted_ms: number;
  measured_ms: number;
  /** |measured − predicted| / measured. */
  rel_error: number;
  over_budget: boolean;
}

export interface ProfileCheck {
  n: number;
  /** What the profile predicts for this N … */
  predicted_ms: number;
  /** … and the pipeline bench's median for the same mode and N (same backend, same run). */
  pipeline_median_ms: number;
}

export interface PlannerResult {
  mode: ProductMode;
  n1_predicted_ms: number;
  network_margin_ms: number;
  budgets_ms: number[];
  runs: PlannerRun[];
  median_rel_error: number;
  p90_rel_error: number;
  /** Median of (measured − predicted) / predicted: > 0 means runs take longer than planned. */
  median_signed_error: number;
  /** Share of runs whose measured ms exceeded the budget. */
  share_over_budget: number;
}

export interface PlannerOptions {
  mode: ProductMode;
  /** Budgets span [1×, maxFactor×] the predicted N=1 cost, geometrically. */
  budgets: number;
  maxFactor: number;
  runsPerBudget: number;
  /** Warm-up runs before the first measured run of an N not run before (new batch shapes warm up slowly). */
  warmupPerBudget: number;
  /** Ns the backend has already run (e.g. the pipeline bench's), which need no warm-up. */
  alreadyWarm?: readonly number[];
  maxN: number;
  /** What the planner keeps back for the trip to the backend (the product's default: shared's 20 ms). */
  networkMarginMs: number;
}

export function budgetLadder(n1Ms: number, count: number, maxFactor: number): number[] {
  if (count < 2) throw new Error("budgetLadder needs ≥ 2 budgets");
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.ceil(n1Ms * maxFactor ** (i / (count - 1))));
  return out;
}

export async function benchPlanner(
  runner: ModeRunner,
  profile: Profile,
  opts: PlannerOptions,
  onRun?: (r: PlannerRun) => void,
): Promise<PlannerResult> {
  const n1 = predictMs(profile, opts.mode, 1).total_ms;
  // The smallest budget that plans at all (N=1 plus the margin), up to maxFactor × it.
  const budgets = budgetLadder(
    minimumBudgetMs(profile, opts.mode, opts.networkMarginMs),
    opts.budgets,
    opts.maxFactor,
  );
  const runs: PlannerRun[] = [];
  const warm = new Set(opts.alreadyWarm ?? []);
  let seed = 50_000;
  for (const budget of budgets) {
    let plan: { n: number; predicted_ms: number };
    try {
      plan = planCandidates(profile, {
        budget_ms: budget,
        verifier: opts.mode,
        max_n: opts.maxN,
        network_margin_ms: opts.networkMarginMs,
      });
    } catch (err) {
      // The N=1 budget is rounded up from the prediction, so the planner must accept it.
      throw new Error(`planner refused budget ${budget} ms: ${(err as TinyscaleError).message}`);
    }
    if (!warm.has(plan.n)) {
      for (let w = 0; w < opts.warmupPerBudget; w++) {
        await runner.run(opts.mode, plan.n, `planner warm-up ${budget} ${w}`, seed++);
      }
      warm.add(plan.n);
    }
    for (let i = 0; i < opts.runsPerBudget; i++) {
      const r = await runner.run(
        opts.mode,
        plan.n,
        `a lighthouse at dusk, planner case ${budget}-${i}`,
        seed++,
      );
      const run: PlannerRun = {
        budget_ms: budget,
        n: plan.n,
        predicted_ms: round(plan.predicted_ms),
        measured_ms: round(r.total_ms),
        rel_error: round(Math.abs(r.total_ms - plan.predicted_ms) / r.total_ms, 4),
        over_budget: r.total_ms > budget,
      };
      runs.push(run);
      onRun?.(run);
    }
  }
  const errors = runs.map((r) => r.rel_error);
  return {
    mode: opts.mode,
    n1_predicted_ms: round(n1),
    network_margin_ms: opts.networkMarginMs,
    budgets_ms: budgets,
    runs,
    median_rel_error: round(quantile(errors, 0.5), 4),
    p90_rel_error: round(quantile(errors, 0.9), 4),
    median_signed_error: round(
      quantile(
        runs.map((r) => (r.measured_ms - r.predicted_ms) / r.predicted_ms),
        0.5,
      ),
      4,
    ),
    share_over_budget: round(runs.filter((r) => r.over_budget).length / runs.length, 4),
  };
}
