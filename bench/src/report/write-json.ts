// Writes one benchmark's results as pretty JSON under bench/results/ (the committed record).
// The folder is resolved from this file so the runner works from any cwd.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/results, whether running from src/ (tsx) or dist/ (compiled). */
export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "results");

export async function writeJson(name: string, data: unknown, dir = RESULTS_DIR): Promise<string> {
  if (!/^[a-z0-9-]+\.json$/.test(name))
    throw new Error(`result file name must be kebab-case .json, got ${name}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
