// Issue 6's targets, filled from this run's results. A target whose measurement is missing is a MISS
// with the reason, so nothing silently drops out of the summary.

import type { BackendOverheadResult } from "../overhead/bench-backend-overhead.js";
import type { EdgeResult } from "../overhead/bench-edge.js";
import type { PipelineRatios } from "../pipeline/bench-pipeline.js";
import type { PlannerResult } from "../planner/bench-planner.js";
import { evaluateTarget, type TargetResult } from "../report/targets.js";

export interface TargetInputs {
  ratios?: PipelineRatios;
  planner?: PlannerResult;
  backend?: BackendOverheadResult;
  edge?: EdgeResult;
  /** Why a section is missing, by section name. */
  missing: Record<string, string>;
}

export function issueTargets(t: TargetInputs): TargetResult[] {
  const why = (section: string) => t.missing[section] ?? `${section} section not run`;
  const ratio = (key: "vhs_over_clip" | "vhs_over_reference", n: number) =>
    t.ratios?.[key][String(n)] ?? null;
  const note = (value: unknown, section: string) =>
    value === null || value === undefined ? why(section) : undefined;
  const list = [
    {
      id: "vhs_over_clip_n4",
      description: "vhs_over_clip at N=4 (FLOP floor ~0.38, paper 0.51)",
      measured: ratio("vhs_over_clip", 4),
      limit: 0.45,
      unit: "×",
      section: "pipeline",
    },
    {
      id: "vhs_over_clip_n16",
      description: "vhs_over_clip at N=16 (FLOP floor ~0.23)",
      measured: ratio("vhs_over_clip", 16),
      limit: 0.3,
      unit: "×",
      section: "pipeline",
    },
    {
      id: "vhs_over_reference_n4",
      description: "vhs_over_reference at N=4",
      measured: ratio("vhs_over_reference", 4),
      limit: 0.55,
      unit: "×",
      section: "pipeline",
    },
    {
      id: "planner_median_rel_error",
      description: "planner median relative error",
      measured: t.planner?.median_rel_error ?? null,
      limit: 0.1,
      unit: "(fraction)",
      section: "planner",
    },
    {
      id: "planner_share_over_budget",
      description: "planner share of runs over budget",
      measured: t.planner?.share_over_budget ?? null,
      limit: 0.05,
      unit: "(fraction)",
      section: "planner",
    },
    {
      id: "backend_outside_run_p50",
      description: "backend time outside session.run() p50 at N=4",
      measured: t.backend?.outside_run_ms.p50 ?? null,
      limit: 3,
      unit: "ms",
      section: "overhead",
    },
    {
      id: "event_loop_delay_p99",
      description: "event-loop delay p99 during inference",
      measured: t.backend?.event_loop_delay_ms.p99 ?? null,
      limit: 20,
      unit: "ms",
      section: "overhead",
    },
    {
      id: "edge_added_p50",
      description: "edge added latency p50 (workerd, local)",
      measured: t.edge?.added_ms.p50 ?? null,
      limit: 5,
      unit: "ms",
      section: "edge",
    },
  ];
  return list.map(({ section, ...target }) => {
    const n = note(target.measured, section);
    return evaluateTarget({ ...target, comparison: "le", ...(n ? { note: n } : {}) });
  });
}
