// Per-graph FLOPs of a bundle config, as counted by the export tool (`python -m export.flops --json`), so
// the bench states each stage's cost from the model definition rather than assuming the proportions.

import { runPythonModule } from "./export-bundle.js";

export interface GraphFlops {
  /** GFLOP of one batch-1 call (fixed + one candidate), by graph. */
  gflop: Record<string, number>;
  source: string;
}

export async function graphFlops(python: string, config: string): Promise<GraphFlops> {
  const args = ["-m", "export.flops", "--config", config, "--json"];
  const stdout = await runPythonModule(python, args, 5 * 60_000);
  return { gflop: parseFlopsJson(stdout), source: `python ${args.join(" ")}` };
}

/** Reads `{ graphs: { <graph>: { fixed, per_candidate } } }` (FLOPs) into GFLOP per batch-1 call. */
export function parseFlopsJson(stdout: string): Record<string, number> {
  const start = stdout.indexOf("{");
  if (start < 0) throw new Error(`export.flops printed no JSON: ${stdout.slice(0, 200)}`);
  const parsed = JSON.parse(stdout.slice(start)) as { graphs?: Record<string, unknown> };
  const out: Record<string, number> = {};
  for (const [graph, value] of Object.entries(parsed.graphs ?? {})) {
    const v = value as { fixed?: unknown; per_candidate?: unknown };
    if (typeof v.fixed === "number" && typeof v.per_candidate === "number") {
      out[graph] = (v.fixed + v.per_candidate) / 1e9;
    }
  }
  if (Object.keys(out).length === 0)
    throw new Error("export.flops JSON named no graph with fixed/per_candidate FLOPs");
  return out;
}
