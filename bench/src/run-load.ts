// `npm run bench:load` (also a section of `npm run bench`): the load bench alone. Writes
// bench/results/load.json, prints the targets, and replaces the load section of bench/results/SUMMARY.md.
//   --quick         1.5 s per cell, concurrency 1, 16, 64, budget 400 ms only (a smoke run)
//   --seconds <s>   seconds per cell (default 4)
//   --out <dir>     write there instead of bench/results
//   --paths <list>  only these paths (direct,edge), --concurrency <list>, --budgets <list> (400,2x),
//   --schedulers <list> (legacy,batched): a subset of the cells, e.g. to compare one change quickly
//   --port <p>      the first backend's port (default 18471; the second backend takes p + 1)
//   --backend-nice <0-19>  the backend's CPU priority (default: the local stack's; 0 = the edge's)
//   --edge-script <file>   run this built Worker bundle as the edge (e.g. another revision's, to compare)
//   --workers <k>   graph worker threads of each backend, both schedulers (default 1)

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./bundle/repo-paths.js";
import { benchLoad, LOAD_CONCURRENCY, type LoadOptions } from "./load/bench-load.js";
import { loadSection, replaceLoadSection } from "./load/load-report.js";
import { loadTargets } from "./load/load-targets.js";
import { evaluateTarget, targetLine } from "./report/targets.js";
import { RESULTS_DIR, writeJson } from "./report/write-json.js";
import { log } from "./run/clock.js";
import { machineDescription } from "./run/machine.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (flag: string, allowed?: readonly string[]) => {
    const items = at(flag)
      ?.split(",")
      .filter((item) => item !== "");
    const wrong = items?.find((item) => (allowed ? !allowed.includes(item) : !(Number(item) >= 1)));
    if (wrong !== undefined) throw new Error(`${flag}: "${wrong}" is not one of ${allowed ?? "1, 2, …"}`);
    return items;
  };
  const outDir = at("--out") ?? RESULTS_DIR;
  process.chdir(REPO_ROOT); // workerd resolves the edge's script from the cwd
  const result = await benchLoad({
    cellSeconds: Number(at("--seconds") ?? (quick ? 1.5 : 4)),
    concurrency: list("--concurrency")?.map(Number) ?? (quick ? [1, 16, 64] : LOAD_CONCURRENCY),
    budgets:
      (list("--budgets", ["400", "2x"]) as LoadOptions["budgets"] | undefined) ??
      (quick ? ["400"] : ["400", "2x"]),
    paths: list("--paths", ["edge", "direct"]) as LoadOptions["paths"],
    schedulers: list("--schedulers", ["legacy", "batched"]) as LoadOptions["schedulers"],
    ...(at("--port") ? { port: Number(at("--port")) } : {}),
    ...(at("--backend-nice") !== undefined ? { backendNiceness: Number(at("--backend-nice")) } : {}),
    ...(at("--edge-script") ? { edgeScript: at("--edge-script") as string } : {}),
    ...(at("--workers") ? { workers: Number(list("--workers")?.[0]) } : {}),
  });
  const targets = loadTargets(result).map(evaluateTarget);
  const lines = targets.map(targetLine);
  for (const line of lines) process.stdout.write(`${line}\n`);
  const generatedAt = new Date().toISOString();
  await writeJson(
    "load.json",
    { generated_at: generatedAt, machine: machineDescription(), ...result, targets },
    outDir,
  );
  const summaryPath = join(outDir, "SUMMARY.md");
  const summary = await readFile(summaryPath, "utf8").catch(() => "# tinyscale benchmarks\n");
  await writeFile(summaryPath, replaceLoadSection(summary, loadSection(result, lines, generatedAt)));
  log(`wrote ${join(outDir, "load.json")} and the load section of ${summaryPath}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `load bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
