// The vega-lite specs behind bench/results/*.svg: pipeline time vs N, planner predicted vs measured,
// and each stage's measured share. Pure data → spec functions so the test can render them on fixed data.

import type { TopLevelSpec } from "vega-lite";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export interface PipelinePoint {
  mode: string;
  n: number;
  total_ms: number;
}

/** Total ms against N, one line per mode, log-scaled N axis (1, 2, 4, 8, 16). */
export function pipelineSpec(points: readonly PipelinePoint[], title: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 420,
    height: 280,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "n", type: "quantitative", title: "candidates N", scale: { type: "log", base: 2 } },
      y: { field: "total_ms", type: "quantitative", title: "median total ms", scale: { type: "log" } },
      color: { field: "mode", type: "nominal", title: "mode" },
    },
  };
}

export interface PlannerPoint {
  budget_ms: number;
  predicted_ms: number;
  measured_ms: number;
  n: number;
  over_budget: boolean;
}

/** Measured against predicted ms per planned run, with the y = x line for reference. */
export function plannerSpec(points: readonly PlannerPoint[], title: string): TopLevelSpec {
  const max = Math.max(1, ...points.flatMap((p) => [p.predicted_ms, p.measured_ms]));
  return {
    $schema: SCHEMA,
    title,
    width: 360,
    height: 360,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: max, y: max },
          ],
        },
        mark: { type: "line", color: "#999", strokeDash: [4, 4] },
        encoding: {
          x: { field: "x", type: "quantitative", title: "predicted ms" },
          y: { field: "y", type: "quantitative", title: "measured ms" },
        },
      },
      {
        data: { values: points.map((p) => ({ ...p })) },
        mark: { type: "point", filled: true },
        encoding: {
          x: { field: "predicted_ms", type: "quantitative" },
          y: { field: "measured_ms", type: "quantitative" },
          color: { field: "over_budget", type: "nominal", title: "over budget" },
          tooltip: [{ field: "budget_ms" }, { field: "n" }],
        },
      },
    ],
  };
}

export interface StageSharePoint {
  mode: string;
  stage: string;
  ms: number;
}

/** Stacked bar per mode at one N: how each mode's time splits across its stages. */
export function stageShareSpec(points: readonly StageSharePoint[], title: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 420,
    height: 220,
    data: { values: points.map((p) => ({ ...p })) },
    mark: "bar",
    encoding: {
      y: { field: "mode", type: "nominal", title: null },
      x: { field: "ms", type: "quantitative", title: "median ms", stack: "zero" },
      color: { field: "stage", type: "nominal", title: "stage" },
    },
  };
}
