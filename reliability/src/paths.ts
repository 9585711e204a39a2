// Where the suite finds the parts it drives (backend entry, tiny bundle, edge sources) and where it
// writes its results, resolved from this file so it runs the same from the root or the workspace.
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

const here = import.meta.dirname;

export const REPO_ROOT = resolve(here, "..", "..");
export const BACKEND_ROOT = resolve(REPO_ROOT, "gpu-backend");
/** The compiled CLI entry: a child process we can SIGKILL/SIGSTOP like a real deployment. */
export const BACKEND_SERVER = resolve(BACKEND_ROOT, "dist", "server.js");
export const TINY_BUNDLE = resolve(
  process.env.TINYSCALE_TEST_BUNDLE ?? resolve(BACKEND_ROOT, "models", "tiny"),
);
export const EDGE_ROOT = resolve(REPO_ROOT, "edge");
/** Our own copy of the bundled Worker, so a parallel edge test run never races us writing it. */
export const EDGE_BUNDLE = resolve(here, "..", "dist", "worker.js");
/** The committed record: written only by a run that asks for it (`npm run soak`, `npm run reliability:record`). */
export const RECORDED_RESULTS_FILE = resolve(REPO_ROOT, "bench", "results", "reliability.json");
/** Where every other run (`npm test`) writes its results, so testing never changes a tracked file. */
export const SCRATCH_RESULTS_FILE = resolve(
  tmpdir(),
  // One per checkout: two clones tested on one machine keep their own.
  `tinyscale-reliability-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}`,
  "reliability.json",
);
export const SECTIONS_DIR = resolve(here, "..", "dist", "sections");
