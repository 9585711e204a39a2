// Before the suite: compile the backend (its worker threads run dist/) and bundle the edge Worker into our
// own file. After it: merge the per-file sections into the results file (see results.ts: the committed
// record only when the run was started to record).
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { EDGE_BUNDLE, REPO_ROOT } from "../src/paths.js";
import { clearSections, mergeResults, mode } from "../src/results.js";

export default async function setup(): Promise<() => void> {
  // TypeScript 7 (the native tsc, package alias @typescript/native) exports no bin path: tsc sits beside its package.json.
  const tsc = createRequire(import.meta.url)
    .resolve("@typescript/native/package.json")
    .replace(/package\.json$/, "bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "gpu-backend", "edge"], { cwd: REPO_ROOT, stdio: "inherit" });
  // Imported once built: the edge package's entry is its build output.
  const { buildWorker } = await import("@tinyscale/edge");
  await buildWorker(EDGE_BUNDLE);
  clearSections();
  return () => {
    const merged = mergeResults(mode());
    if (merged) process.stdout.write(`reliability: wrote ${merged.file} ${JSON.stringify(merged.totals)}\n`);
  };
}
