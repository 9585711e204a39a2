// Builds bench/results/SUMMARY.md from the benches' results: targets first (PASS/MISS with the measured
// ratio), then the pipeline table, ratios, stage proportions, planner and overhead figures.

import type { PipelineRatios, PipelineRow } from "../pipeline/bench-pipeline.js";
import type { PlannerResult, ProfileCheck } from "../planner/bench-planner.js";
import type { ProportionRow } from "../proportions/types.js";
import { markdownTable } from "./markdown.js";
import { type TargetResult, targetLine } from "./targets.js";

export interface OverheadSummary {
  backend?: {
    n: number;
    requests: number;
    outside_run_ms: { p50: number; p99: number };
    event_loop_delay_ms: { p50: number; p99: number; max: number };
  };
  edge?: {
    direct_ms: { p50: number; p99: number };
    via_edge_ms: { p50: number; p99: number };
    added_ms: { p50: number; p99: number };
    requests_per_s: { via_edge: number; direct: number };
  };
}

export interface SummaryInput {
  generated_at: string;
  machine: string;
  wall_s: number;
  bundle: string;
  targets: TargetResult[];
  pipeline?: { rows: PipelineRow[]; ratios: PipelineRatios };
  proportions?: ProportionRow[];
  planner?: PlannerResult;
  /** The start-up profile's predictions beside the pipeline bench's medians (vhs). */
  profileCheck?: ProfileCheck[];
  /** Per stage of vhs at N=1: the profile's ms (graph run alone, back to back) and the in-request median. */
  stageCheck?: { stage: string; profile_ms: number; in_request_ms: number }[];
  overhead?: OverheadSummary;
  /** Sections that could not run, with the reason (printed, never dropped). */
  failures: string[];
  /** 1-minute load average at the start of each section (the cores are shared with other processes). */
  load?: Record<string, number>;
  /** How the figures were taken (appended as the last section). */
  notes?: readonly string[];
}

export function renderSummary(input: SummaryInput): string {
  const out: string[] = [
    "# tinyscale benchmarks",
    "",
    `Generated ${input.generated_at} by \`npm run bench\` on ${input.machine}; bundle \`${input.bundle}\`; ` +
      `wall time ${input.wall_s.toFixed(0)} s. Every figure is a median over repeated runs after warm-up; ` +
      "every ratio is measured in the same run.",
    ...(input.load
      ? [
          "",
          `Load average (1 min) on this ${input.machine.split("×")[0]?.trim()}-core machine when each section started: ` +
            Object.entries(input.load)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ") +
            " — other processes shared the cores, so absolute times carry their load; ratios compare runs taken seconds apart.",
        ]
      : []),
    "",
    "## Targets",
    "",
    "```",
    ...input.targets.map(targetLine),
    "```",
  ];
  if (input.failures.length > 0) {
    out.push("", "## Sections that did not run", "", ...input.failures.map((f) => `- ${f}`));
  }
  if (input.pipeline) out.push("", ...pipelineSection(input.pipeline.rows, input.pipeline.ratios));
  if (input.proportions) out.push("", ...proportionSection(input.proportions));
  if (input.planner) out.push("", ...plannerSection(input.planner, input.profileCheck ?? []));
  if (input.stageCheck && input.stageCheck.length > 0) {
    out.push(
      "",
      "Per stage (vhs, N=1): the start-up profile times each graph alone, run after run; inside a request each " +
        "graph follows a different one:",
      "",
      markdownTable(
        ["stage", "profile ms", "in-request median ms", "in-request / profile"],
        input.stageCheck.map((c) => [c.stage, c.profile_ms, c.in_request_ms, c.in_request_ms / c.profile_ms]),
        2,
      ),
    );
  }
  if (input.overhead) out.push("", ...overheadSection(input.overhead));
  if (input.notes && input.notes.length > 0)
    out.push("", "## Method", "", ...input.notes.map((n) => `- ${n}`));
  return `${out.join("\n")}\n`;
}

function pipelineSection(rows: PipelineRow[], ratios: PipelineRatios): string[] {
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const modes = [...new Set(rows.map((r) => r.mode))];
  const table = markdownTable(
    ["mode", ...ns.map((n) => `N=${n} ms`), "ms / candidate", "fixed ms"],
    modes.map((m) => [
      m,
      ...ns.map((n) => rows.find((r) => r.mode === m && r.n === n)?.total_ms),
      ratios.per_candidate_slope_ms[m],
      ratios.intercept_ms[m],
    ]),
    1,
  );
  const ratioTable = markdownTable(
    ["N", "vhs / clip", "vhs / reference", "paired vhs / clip", "paired vhs / reference"],
    ns.map((n) => {
      const k = String(n);
      return [
        n,
        ratios.vhs_over_clip[k],
        ratios.vhs_over_reference[k],
        ratios.paired_vhs_over_clip[k],
        ratios.paired_vhs_over_reference[k],
      ];
    }),
    3,
  );
  return [
    "## Pipeline (median total ms)",
    "",
    table,
    "",
    "Ratios: of the median totals (the targets use these), and the median of per-round ratios (runs of the two " +
      "modes at one N are seconds apart, so machine-load drift cancels).",
    "",
    ratioTable,
    "",
    "![pipeline](pipeline.svg) ![stages](stage-share.svg)",
  ];
}

function proportionSection(rows: ProportionRow[]): string[] {
  return [
    "## Stage proportions (batch 1): FLOPs counted vs time measured",
    "",
    markdownTable(
      ["graph", "GFLOP", "FLOP share", "real TFLOP", "real share", "ms", "time share", "GFLOP/s"],
      rows.map((r) => [
        r.graph,
        r.gflop,
        r.flop_share,
        r.real_tflop,
        r.real_share,
        r.measured_ms,
        r.time_share,
        r.gflop_per_s,
      ]),
      3,
    ),
  ];
}

function plannerSection(p: PlannerResult, check: ProfileCheck[]): string[] {
  const checkLines =
    check.length === 0
      ? []
      : [
          "",
          "The profile the backend measured at start-up, against the pipeline bench's medians (vhs, same run):",
          "",
          markdownTable(
            ["N", "profile predicts ms", "pipeline median ms", "measured / predicted"],
            check.map((c) => [
              c.n,
              c.predicted_ms,
              c.pipeline_median_ms,
              c.pipeline_median_ms / c.predicted_ms,
            ]),
            3,
          ),
        ];
  return [
    `## Planner (${p.mode}, budgets ${p.budgets_ms[0]}–${p.budgets_ms[p.budgets_ms.length - 1]} ms)`,
    "",
    `Median relative error ${(p.median_rel_error * 100).toFixed(1)} % (signed median ${(p.median_signed_error * 100).toFixed(1)} %: ` +
      "> 0 means slower than predicted), " +
      `p90 ${(p.p90_rel_error * 100).toFixed(1)} %, ` +
      `${(p.share_over_budget * 100).toFixed(1)} % of ${p.runs.length} runs over budget.`,
    "",
    markdownTable(
      ["budget ms", "N", "predicted ms", "measured ms", "rel. error", "over budget"],
      p.runs.map((r) => [r.budget_ms, r.n, r.predicted_ms, r.measured_ms, r.rel_error, r.over_budget]),
      3,
    ),
    "",
    "![planner](planner.svg)",
    ...checkLines,
  ];
}

function overheadSection(o: OverheadSummary): string[] {
  const lines = ["## Overhead"];
  if (o.backend) {
    const b = o.backend;
    lines.push(
      "",
      `Backend at N=${b.n} over ${b.requests} requests: time outside session.run() p50 ${b.outside_run_ms.p50} ms, ` +
        `p99 ${b.outside_run_ms.p99} ms; event-loop delay during inference p50 ${b.event_loop_delay_ms.p50} ms, ` +
        `p99 ${b.event_loop_delay_ms.p99} ms, max ${b.event_loop_delay_ms.max} ms.`,
    );
  }
  if (o.edge) {
    const e = o.edge;
    lines.push(
      "",
      markdownTable(
        ["path", "p50 ms", "p99 ms", "requests/s"],
        [
          ["direct → fast backend", e.direct_ms.p50, e.direct_ms.p99, e.requests_per_s.direct],
          ["edge (workerd) → fast backend", e.via_edge_ms.p50, e.via_edge_ms.p99, e.requests_per_s.via_edge],
          ["added by the edge", e.added_ms.p50, e.added_ms.p99, null],
        ],
        2,
      ),
    );
  }
  return lines;
}
