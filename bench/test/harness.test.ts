// The harness's statistics, ratio, target and report writers on fixed data — fast, no benchmark run.
// Runs in `npm test` (project `bench`) so bench code is covered without the 15-minute benchmark.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repeat, stageMedians } from "../src/harness/repeat.js";
import { type PipelineRow, pipelineRatios } from "../src/pipeline/bench-pipeline.js";
import { budgetLadder } from "../src/planner/bench-planner.js";
import { renderSvg, writeSvg } from "../src/plots/render-svg.js";
import { pipelineSpec, plannerSpec, stageShareSpec } from "../src/plots/specs.js";
import { markdownTable } from "../src/report/markdown.js";
import { renderSummary } from "../src/report/summary.js";
import { evaluateTarget, targetLine } from "../src/report/targets.js";
import { writeJson } from "../src/report/write-json.js";
import { linearFit, median, quantile, summarize } from "../src/stats/summarize.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("statistics", () => {
  it("interpolates quantiles between closest ranks like numpy", () => {
    const xs = [10, 1, 4, 2, 3, 5, 6, 7, 8, 9];
    expect(median(xs)).toBe(5.5);
    expect(quantile(xs, 0.9)).toBeCloseTo(9.1, 10);
    expect(quantile(xs, 0.99)).toBeCloseTo(9.91, 10);
    expect(quantile([7], 0.99)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
  });

  it("summarizes and fits a line", () => {
    const s = summarize([3, 1, 2]);
    expect(s).toMatchObject({ count: 3, min: 1, max: 3, mean: 2, median: 2 });
    const fit = linearFit([1, 2, 4, 8], [12, 14, 18, 26]);
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.intercept).toBeCloseTo(10, 10);
    expect(() => linearFit([1, 1], [2, 3])).toThrow(/distinct/);
  });
});

describe("repeat", () => {
  it("discards warm-up runs and honours min/max runs", async () => {
    const seen: number[] = [];
    const r = await repeat(
      async (i) => {
        seen.push(i);
        return i;
      },
      { warmup: 2, minRuns: 3, maxRuns: 5, budgetMs: 0 },
    );
    expect(seen).toEqual([-1, -2, 0, 1, 2]);
    expect(r.results).toEqual([0, 1, 2]);
    expect(r.wallMs).toHaveLength(3);
    const full = await repeat(async (i) => i, { warmup: 0, minRuns: 1, maxRuns: 5, budgetMs: 60_000 });
    expect(full.results).toHaveLength(5);
  });

  it("takes per-stage medians across runs", () => {
    const m = stageMedians([{ a: 1, b: 10 }, { a: 3, b: 30 }, { a: 2 }], median);
    expect(m).toEqual({ a: 2, b: 20 });
  });
});

function row(mode: PipelineRow["mode"], n: number, total: number, rounds: number[]): PipelineRow {
  return {
    bundle: "fixed",
    mode,
    n,
    total_ms: total,
    p90_ms: total,
    stages: { propose: total / 2 },
    runs: 3,
    round_totals_ms: rounds,
  };
}

const rows: PipelineRow[] = [
  row("vhs", 1, 100, [100, 100, 100]),
  // Round 2 ran while the machine was loaded: both modes at N=4 slowed down together.
  row("vhs", 4, 160, [150, 320, 160]),
  row("clip", 1, 120, [120, 120, 120]),
  row("clip", 4, 480, [500, 640, 480]),
  row("reference", 4, 400, [400, 800, 400]),
  row("none", 1, 90, [90, 90, 90]),
];

describe("pipeline ratios", () => {
  it("divides vhs by clip and by reference at the same N and fits per-candidate slopes", () => {
    const r = pipelineRatios(rows);
    expect(r.vhs_over_clip).toEqual({ "1": 0.8333, "4": 0.3333 });
    expect(r.vhs_over_reference).toEqual({ "4": 0.4 });
    // Per-round ratios: 150/500, 320/640, 160/480 → median 1/3.
    expect(r.paired_vhs_over_clip["4"]).toBeCloseTo(0.3333, 4);
    expect(r.paired_vhs_over_reference["4"]).toBe(0.4);
    expect(r.per_candidate_slope_ms).toEqual({ vhs: 20, clip: 120 });
    expect(r.intercept_ms.vhs).toBe(80);
    // A mode measured at one N has no slope.
    expect(r.per_candidate_slope_ms.none).toBeUndefined();
  });
});

describe("targets", () => {
  it("reports PASS, MISS with the overshoot, and an unmeasured value as MISS", () => {
    const pass = evaluateTarget({
      id: "a",
      description: "vhs/clip N=4",
      measured: 0.4,
      limit: 0.45,
      comparison: "le",
      unit: "",
    });
    expect(pass.pass).toBe(true);
    expect(targetLine(pass)).toMatch(/^PASS/);
    const miss = evaluateTarget({
      id: "b",
      description: "edge p50",
      measured: 6,
      limit: 5,
      comparison: "le",
      unit: "ms",
    });
    expect(miss.pass).toBe(false);
    expect(miss.ratio_to_limit).toBeCloseTo(1.2, 10);
    expect(targetLine(miss)).toContain("MISS");
    expect(targetLine(miss)).toContain("over by 20.0 %");
    const none = evaluateTarget({
      id: "c",
      description: "x",
      measured: null,
      limit: 1,
      comparison: "le",
      unit: "ms",
      note: "backend missing",
    });
    expect(none.pass).toBe(false);
    expect(targetLine(none)).toBe("MISS  x: not measured vs ≤ 1 ms — backend missing");
  });
});

describe("writers", () => {
  it("writes markdown tables and rejects ragged rows", () => {
    expect(
      markdownTable(
        ["a", "b"],
        [
          [1, 2.345],
          ["x|y", null],
        ],
      ),
    ).toBe("| a | b |\n| --- | --- |\n| 1 | 2.35 |\n| x\\|y | — |");
    expect(() => markdownTable(["a"], [[1, 2]])).toThrow(/2 cells/);
  });

  it("renders the summary with targets first and every section", () => {
    const md = renderSummary({
      generated_at: "2026-11-27T04:00:00Z",
      machine: "fixed",
      wall_s: 600,
      bundle: "fixed",
      targets: [
        evaluateTarget({
          id: "b",
          description: "edge p50",
          measured: 6,
          limit: 5,
          comparison: "le",
          unit: "ms",
        }),
      ],
      pipeline: { rows, ratios: pipelineRatios(rows) },
      failures: ["edge: not started"],
      overhead: {
        edge: {
          direct_ms: { p50: 1, p99: 2 },
          via_edge_ms: { p50: 3, p99: 5 },
          added_ms: { p50: 2, p99: 3 },
          requests_per_s: { via_edge: 500, direct: 2000 },
        },
      },
    });
    expect(md.indexOf("## Targets")).toBeLessThan(md.indexOf("## Pipeline"));
    expect(md).toContain("MISS  edge p50");
    expect(md).toContain("| vhs | 100 | 160 | 20 | 80 |");
    expect(md).toContain("- edge: not started");
    expect(md).toContain("| added by the edge | 2 | 3 | — |");
  });

  it("writes JSON and renders every plot to SVG through vega", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-test-"));
    dirs.push(dir);
    const path = await writeJson("pipeline.json", { rows }, dir);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ rows });
    await expect(writeJson("../escape.json", {}, dir)).rejects.toThrow(/kebab-case/);

    const svg = await renderSvg(pipelineSpec(rows, "pipeline"));
    expect(svg.startsWith("<svg")).toBe(true);
    // One line path per mode, and the legend names each mode.
    for (const mode of ["vhs", "clip", "reference"]) expect(svg).toContain(`>${mode}<`);
    const planner = plannerSpec(
      [{ budget_ms: 200, predicted_ms: 150, measured_ms: 160, n: 2, over_budget: false }],
      "planner",
    );
    const plannerPath = await writeSvg(join(dir, "planner.svg"), planner);
    expect(await readFile(plannerPath, "utf8")).toContain("measured ms");
    const stages = await renderSvg(stageShareSpec([{ mode: "vhs", stage: "propose", ms: 20 }], "stages"));
    expect(stages).toContain(">propose<");
  });

  it("spreads planner budgets geometrically from 1× to the maximum factor", () => {
    expect(budgetLadder(100, 3, 4)).toEqual([100, 200, 400]);
    expect(() => budgetLadder(100, 1, 4)).toThrow();
  });
});
