// Writes what one run measured: pipeline/planner/overhead/run JSON, SUMMARY.md and the SVG plots, and
// prints the targets and the stage proportions to stdout.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadSection } from "../load/load-report.js";
import { loadTargets } from "../load/load-targets.js";
import { writeSvg } from "../plots/render-svg.js";
import { pipelineSpec, plannerSpec, stageShareSpec } from "../plots/specs.js";
import { markdownTable } from "../report/markdown.js";
import { renderSummary } from "../report/summary.js";
import { evaluateTarget, targetLine } from "../report/targets.js";
import { writeJson } from "../report/write-json.js";
import { log } from "./clock.js";
import { METHOD_NOTES } from "./method-notes.js";
import type { PreparedBundle } from "./prepare-bundle.js";
import type { SectionResults } from "./sections.js";
import { issueTargets } from "./targets.js";

export interface OutputInput {
  outDir: string;
  machine: string;
  bundle: PreparedBundle;
  results: SectionResults;
  wallS: number;
}

/** vhs N=1 stages: what the profile says each costs vs what it took inside requests. */
function stageCheck(r: SectionResults) {
  const row = r.pipeline?.rows.find((x) => x.mode === "vhs" && x.n === 1);
  if (!row) return [];
  return ["text_encode", "propose", "finish", "image_encode"].flatMap((stage) => {
    const profileMs = r.profile.stages[stage]?.["1"];
    const inRequest = row.stages[stage];
    return profileMs !== undefined && inRequest !== undefined
      ? [{ stage, profile_ms: profileMs, in_request_ms: inRequest }]
      : [];
  });
}

export async function writeOutputs({ outDir, machine, bundle, results, wallS }: OutputInput): Promise<void> {
  const generatedAt = new Date().toISOString();
  const head = { generated_at: generatedAt, machine, bundle: bundle.id, bundle_config: bundle.config };
  const r = results;
  const loadChecks = r.loadBench ? loadTargets(r.loadBench).map(evaluateTarget) : [];
  const targets = issueTargets({
    ratios: r.pipeline?.ratios,
    planner: r.planner,
    backend: r.backend,
    edge: r.edge,
    missing: r.missing,
    ...("gflop" in bundle.flops ? { gflop: bundle.flops.gflop } : {}),
    profile: r.profile,
    ...(r.profileCheck ? { profileCheck: r.profileCheck } : {}),
    ...(r.graphTimes
      ? { graphMs: Object.fromEntries(Object.entries(r.graphTimes).map(([g, v]) => [g, v.median_ms])) }
      : {}),
  });
  if (r.pipeline || r.graphTimes) {
    await writeJson(
      "pipeline.json",
      {
        ...head,
        rounds: r.pipeline?.rounds ?? 0,
        rows: r.pipeline?.rows ?? [],
        ratios: r.pipeline?.ratios ?? null,
        stage_flops: "gflop" in bundle.flops ? bundle.flops : null,
        graph_times_batch1: r.graphTimes ?? null,
        proportions: r.proportions ?? null,
      },
      outDir,
    );
  }
  if (r.planner) {
    await writeJson(
      "planner.json",
      { ...head, ...r.planner, profile_check: r.profileCheck ?? [], profile: r.profile },
      outDir,
    );
  }
  if (r.backend || r.edge)
    await writeJson("overhead.json", { ...head, backend: r.backend ?? null, edge: r.edge ?? null }, outDir);
  if (r.loadBench) await writeJson("load.json", { ...head, ...r.loadBench, targets: loadChecks }, outDir);
  await writeJson(
    "run.json",
    {
      ...head,
      wall_s: Math.round(wallS),
      load_avg_1m: r.load,
      targets: [...targets, ...loadChecks],
      missing: r.missing,
    },
    outDir,
  );

  if (r.pipeline) {
    const rows = r.pipeline.rows;
    await writeSvg(
      join(outDir, "pipeline.svg"),
      pipelineSpec(rows, `Median total ms vs N (${bundle.id}, CPU)`),
    );
    const at4 = rows.filter((row) => row.n === 4 || (row.mode === "none" && row.n === 1));
    const shares = at4.flatMap((row) =>
      Object.entries(row.stages)
        .filter(
          ([stage]) =>
            (stage !== "backend_total" && !["propose", "finish"].includes(stage)) || row.mode === "vhs",
        )
        .map(([stage, ms]) => ({ mode: `${row.mode} N=${row.n}`, stage, ms })),
    );
    await writeSvg(
      join(outDir, "stage-share.svg"),
      stageShareSpec(shares, "Where the time goes at N=4 (median ms per stage)"),
    );
  }
  if (r.planner) {
    await writeSvg(
      join(outDir, "planner.svg"),
      plannerSpec(r.planner.runs, "Planner: predicted vs measured ms (vhs)"),
    );
  }
  const edge = r.edge;
  const backend = r.backend;
  const md = renderSummary({
    generated_at: generatedAt,
    machine,
    wall_s: wallS,
    bundle: bundle.id,
    targets,
    ...(r.pipeline ? { pipeline: r.pipeline } : {}),
    ...(r.proportions ? { proportions: r.proportions } : {}),
    ...(r.planner ? { planner: r.planner, profileCheck: r.profileCheck ?? [] } : {}),
    stageCheck: stageCheck(r),
    overhead: {
      ...(backend
        ? {
            backend: {
              n: backend.n,
              requests: backend.requests,
              outside_run_ms: backend.outside_run_ms,
              event_loop_delay_ms: backend.event_loop_delay_ms,
            },
          }
        : {}),
      ...(edge
        ? {
            edge: {
              direct_ms: edge.direct_ms,
              via_edge_ms: edge.via_edge_ms,
              added_ms: edge.added_ms,
              requests_per_s: {
                via_edge: edge.throughput.via_edge.requests_per_s,
                direct: edge.throughput.direct.requests_per_s,
              },
            },
          }
        : {}),
    },
    failures: Object.values(r.missing),
    notes: METHOD_NOTES,
    load: r.load,
  });
  const loadMd = r.loadBench
    ? `\n${loadSection(r.loadBench, loadChecks.map(targetLine), generatedAt).join("\n")}\n`
    : "";
  await writeFile(join(outDir, "SUMMARY.md"), md + loadMd);

  if (r.proportions) {
    log("stage FLOPs and measured share (batch 1):");
    process.stdout.write(
      `${markdownTable(
        ["graph", "GFLOP", "FLOP share", "real share", "ms", "time share", "GFLOP/s"],
        r.proportions.map((p) => [
          p.graph,
          p.gflop,
          p.flop_share,
          p.real_share,
          p.measured_ms,
          p.time_share,
          p.gflop_per_s,
        ]),
        3,
      )}\n`,
    );
  }
  log("targets:");
  for (const t of [...targets, ...loadChecks]) process.stdout.write(`  ${targetLine(t)}\n`);
}
