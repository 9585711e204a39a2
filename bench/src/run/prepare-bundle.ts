// Gets the bundle to benchmark: the one named by --bundle, or a fresh (or reused, same sources) export of
// the configured one; and the per-graph FLOPs the export tool counts, for the proportions check.

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { exportBundle, pythonPath } from "../bundle/export-bundle.js";
import { graphFlops } from "../bundle/graph-flops.js";
import { log } from "./clock.js";
import type { RunOptions } from "./options.js";

export interface PreparedBundle {
  dir: string;
  id: string;
  config: string;
  exportedNow: boolean;
  exportMs: number;
  /** GFLOP per batch-1 call by graph, or why they could not be counted. */
  flops: { gflop: Record<string, number>; source: string } | { error: string };
}

const EXPORT_TIMEOUT_MS = 12 * 60_000;

export async function prepareBundle(opts: RunOptions, tmpDir: string): Promise<PreparedBundle> {
  const python = await pythonPath();
  // Counting FLOPs (meta device, ~30 s) overlaps the export; neither is timed, so sharing cores is harmless.
  const flopsPromise: Promise<PreparedBundle["flops"]> = graphFlops(python, opts.config).catch(
    (err: unknown) => ({
      error: `FLOPs not counted: ${(err as Error).message.slice(0, 400)}`,
    }),
  );
  let dir: string;
  let exportedNow = false;
  let exportMs = 0;
  if (opts.bundleDir) {
    dir = resolve(opts.bundleDir);
  } else {
    log(`exporting the ${opts.config} bundle into ${tmpDir} (reused when the export tool is unchanged)`);
    const exported = await exportBundle(python, opts.config, EXPORT_TIMEOUT_MS);
    dir = exported.dir;
    exportedNow = exported.exportedNow;
    exportMs = exported.exportMs;
  }
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as { bundle_id: string };
  return {
    dir,
    id: manifest.bundle_id,
    config: opts.config,
    exportedNow,
    exportMs,
    flops: await flopsPromise,
  };
}
