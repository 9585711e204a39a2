// Issue 6's targets, filled from this run's results. A target whose measurement is missing is a MISS
// with the reason, so nothing silently drops out of the summary.

import { type Profile, predictMs } from "@tinyscale/shared";
import { type GraphCost, modelRatio } from "../analysis/cost-models.js";
import type { BackendOverheadResult } from "../overhead/bench-backend-overhead.js";
import type { EdgeResult } from "../overhead/bench-edge.js";
import type { PipelineRatios } from "../pipeline/bench-pipeline.js";
import type { PlannerResult, ProfileCheck } from "../planner/bench-planner.js";
import { evaluateTarget, type TargetResult } from "../report/targets.js";

export interface TargetInputs {
  ratios?: PipelineRatios;
  planner?: PlannerResult;
  backend?: BackendOverheadResult;
  edge?: EdgeResult;
  /** Why a section is missing, by section name. */
  missing: Record<string, string>;
  /** GFLOP and median ms per batch-1 graph call, for the cost-model context of the ratio targets. */
  gflop?: GraphCost;
  graphMs?: GraphCost;
  /** The backend's start-up profile (stage times measured one graph at a time, batched). */
  profile?: Profile;
  profileCheck?: ProfileCheck[];
}

/** What the start-up profile (the planner's input) predicts for vhs over clip: batching included. */
function profileRatio(profile: Profile | undefined, n: number): number | null {
  if (!profile) return null;
  try {
    return predictMs(profile, "vhs", n).total_ms / predictMs(profile, "clip", n).total_ms;
  } catch {
    return null;
  }
}

function fmt(v: number | null): string {
  return v === null ? "n/a" : v.toFixed(3);
}

/** Context for a ratio: what counted FLOPs and batch-1 graph times alone would give. */
function ratioContext(t: TargetInputs, b: "clip" | "reference", n: number): string {
  const flop = t.gflop ? modelRatio("vhs", b, n, t.gflop) : null;
  const time = t.graphMs ? modelRatio("vhs", b, n, t.graphMs) : null;
  const paired = (b === "clip" ? t.ratios?.paired_vhs_over_clip : t.ratios?.paired_vhs_over_reference)?.[
    String(n)
  ];
  const profiled = b === "clip" ? `, start-up-profile model ${fmt(profileRatio(t.profile, n))}` : "";
  return `paired per-round ratio ${fmt(paired ?? null)}; FLOP model ${fmt(flop)}, batch-1 graph-time model ${fmt(time)}${profiled}`;
}

/** "finish alone X ms, right after propose Y ms": cross-session interference, measured in the proportions step. */
function interference(graphMs: GraphCost | undefined): string {
  const alone = graphMs?.finish;
  const after = graphMs?.finish_after_propose;
  if (alone === undefined || after === undefined) return "";
  return `; finish alone ${alone.toFixed(1)} ms, right after a propose run ${after.toFixed(1)} ms (${(after / alone).toFixed(2)}×)`;
}

function plannerNote(p: PlannerResult, check: ProfileCheck[]): string {
  const signed = `median signed error ${(p.median_signed_error * 100).toFixed(1)} % (> 0: slower than predicted), ${p.runs.length} runs`;
  const n1 = check.find((c) => c.n === 1);
  if (!n1) return signed;
  return (
    `${signed}; the start-up profile predicts vhs N=1 at ${n1.predicted_ms} ms, the pipeline bench measured ` +
    `${n1.pipeline_median_ms} ms (${(n1.pipeline_median_ms / n1.predicted_ms).toFixed(2)}×)`
  );
}

function extraNote(id: string, t: TargetInputs): string | undefined {
  switch (id) {
    case "vhs_over_clip_n4":
      return ratioContext(t, "clip", 4) + interference(t.graphMs);
    case "vhs_over_clip_n16":
      return ratioContext(t, "clip", 16);
    case "vhs_over_reference_n4":
      return ratioContext(t, "reference", 4);
    case "planner_median_rel_error":
    case "planner_share_over_budget":
      return t.planner ? plannerNote(t.planner, t.profileCheck ?? []) + interference(t.graphMs) : undefined;
    case "backend_outside_run_p50":
      return t.backend
        ? `of which PNG encode p50 ${t.backend.png_encode_ms.p50} ms; without it p50 ${t.backend.outside_run_excl_png_ms.p50} ms; caller-side p50 ${t.backend.outside_run_client_ms.p50} ms`
        : undefined;
    case "event_loop_delay_p99":
      return t.backend
        ? `max ${t.backend.event_loop_delay_ms.max} ms over ${t.backend.event_loop_delay_ms.samples} samples`
        : undefined;
    case "edge_added_p50":
      return t.edge
        ? `via edge p50 ${t.edge.via_edge_ms.p50} ms vs direct ${t.edge.direct_ms.p50} ms; edge phases p50 (Server-Timing) ${Object.entries(
            t.edge.edge_phases_p50_ms,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ", ",
            )} ms; ${t.edge.throughput.via_edge.requests_per_s} req/s through the edge vs ${t.edge.throughput.direct.requests_per_s} direct`
        : undefined;
    default:
      return undefined;
  }
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
    const n = note(target.measured, section) ?? extraNote(target.id, t);
    return evaluateTarget({ ...target, comparison: "le", ...(n ? { note: n } : {}) });
  });
}
