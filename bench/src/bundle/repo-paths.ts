// Where things are in the checkout, resolved from this file so the bench runs from any cwd.
// The exported bundle lives under bench/results/tmp/, which git ignores.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const EXPORT_DIR = join(REPO_ROOT, "gpu-backend", "export");
export const BENCH_TMP = join(REPO_ROOT, "bench", "results", "tmp");
