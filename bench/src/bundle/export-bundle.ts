// Exports the `proportional` bundle with the export tool (Python) into bench/results/tmp/, reusing a
// previous export only when the export tool's sources are byte-identical (a stamp of their hash).

import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { BENCH_TMP, EXPORT_DIR, REPO_ROOT } from "./repo-paths.js";

const exec = promisify(execFile);

export interface ExportedBundle {
  dir: string;
  config: string;
  /** false when a previous export with the same export-tool sources was reused. */
  exportedNow: boolean;
  exportMs: number;
}

/** The pinned venv's python (creates the venv on first use; see scripts/python-env.sh). */
export async function pythonPath(): Promise<string> {
  const { stdout } = await exec("bash", [join(REPO_ROOT, "scripts", "python-env.sh")], {
    maxBuffer: 1 << 20,
    timeout: 20 * 60_000,
  });
  const path = stdout.trim().split("\n").pop();
  if (!path) throw new Error("scripts/python-env.sh printed no python path");
  return path;
}

async function sourcesHash(config: string): Promise<string> {
  const hash = createHash("sha256").update(config);
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory() && e.name !== "__pycache__" && e.name !== "tests") await walk(path);
      else if (e.isFile() && (e.name.endsWith(".py") || e.name === "requirements.txt")) {
        hash.update(relative(EXPORT_DIR, path)).update(await readFile(path));
      }
    }
  };
  await walk(EXPORT_DIR);
  return hash.digest("hex");
}

/** Runs a python module from gpu-backend/export, streaming its stderr (progress bars) to ours. */
export function runPythonModule(python: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: EXPORT_DIR, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python ${args.join(" ")} exited ${code ?? signal}: ${stdout.slice(-2000)}`));
    });
  });
}

export async function exportBundle(
  python: string,
  config: string,
  timeoutMs: number,
): Promise<ExportedBundle> {
  const dir = join(BENCH_TMP, `bundle-${config}`);
  const stampFile = join(dir, ".bench-stamp");
  const stamp = await sourcesHash(config);
  if (existsSync(join(dir, "manifest.json")) && existsSync(stampFile)) {
    if ((await readFile(stampFile, "utf8")) === stamp)
      return { dir, config, exportedNow: false, exportMs: 0 };
  }
  await rm(dir, { recursive: true, force: true });
  const t0 = Date.now();
  // --skip-check: the torch-vs-onnxruntime comparison is the export tool's own test; timing needs only the graphs.
  await runPythonModule(
    python,
    ["-m", "export", "--config", config, "--out", dir, "--skip-check"],
    timeoutMs,
  );
  if (!existsSync(join(dir, "manifest.json"))) throw new Error(`export wrote no manifest.json into ${dir}`);
  await writeFile(stampFile, stamp);
  return { dir, config, exportedNow: true, exportMs: Date.now() - t0 };
}
