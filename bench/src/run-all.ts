// `npm run bench`: export the proportional bundle, start the real backend, then run the proportions,
// pipeline, planner, overhead and edge benches in one process and write results/*.json, SUMMARY.md and plots.

import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { LoadedBundle } from "./backend/internals.js";
import { loadReferenceBundle } from "./backend/load-reference-bundle.js";
import { ProductRunner } from "./backend/product-runner.js";
import { BENCH_TMP, REPO_ROOT } from "./bundle/repo-paths.js";
import { ReferenceRunner } from "./pipeline/reference-runner.js";
import { RESULTS_DIR } from "./report/write-json.js";
import { log } from "./run/clock.js";
import { machineDescription } from "./run/machine.js";
import { HELP, parseRunOptions } from "./run/options.js";
import { prepareBundle } from "./run/prepare-bundle.js";
import { runSections } from "./run/sections.js";
import { writeOutputs } from "./run/write-outputs.js";

async function main(): Promise<void> {
  const opts = parseRunOptions(process.argv.slice(2));
  if (opts === "help") {
    process.stdout.write(HELP);
    return;
  }
  const t0 = performance.now();
  // workerd (miniflare) resolves the edge's worker script relative to the cwd and refuses paths that
  // climb out of it ("can't use '..'"), so the runner works from the repository root.
  process.chdir(REPO_ROOT);
  const machine = machineDescription();
  log(`machine: ${machine}`);
  const bundle = await prepareBundle(opts, BENCH_TMP);
  log(
    `bundle ${bundle.id} at ${bundle.dir} (${bundle.exportedNow ? `exported in ${(bundle.exportMs / 1000).toFixed(0)} s` : "reused"})`,
  );

  const product = await ProductRunner.start({ bundleDir: bundle.dir, profileRuns: opts.quick ? 1 : 3 });
  log(
    `backend ready at ${product.url} (start-up profile measured in ${((performance.now() - t0) / 1000).toFixed(0)} s since start)`,
  );
  let refBundle: LoadedBundle | undefined;
  try {
    // The reference's sessions live on this thread with onnxruntime's default threads, like the worker's.
    refBundle = await loadReferenceBundle(bundle.dir, { ep: "cpu", deviceId: 0, intraOpThreads: undefined });
    const reference = new ReferenceRunner(refBundle);
    const results = await runSections({ opts, bundle, product, reference, refBundle, startedAt: t0 });
    const outDir = opts.outDir ?? RESULTS_DIR;
    const wallS = (performance.now() - t0) / 1000;
    await writeOutputs({ outDir, machine, bundle, results, wallS });
    log(`wrote ${join(outDir, "SUMMARY.md")}; wall time ${wallS.toFixed(0)} s`);
  } finally {
    const sessions = refBundle ? Object.values(refBundle.sessions) : [];
    await Promise.all(sessions.map((s) => s?.dispose()));
    await product.close();
  }
}

// Exit explicitly: a failed section may leave a socket or worker behind that would keep the process up.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
