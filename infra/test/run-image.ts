// Runs an image's entry command on this machine, as the container would: the final stage's CMD from
// its WORKDIR (mapped to the repository root), with its ENV plus the overrides a test needs.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { envOf, execForm, finalStage, readDockerfile } from "./dockerfile.js";
import { infraDir, repoRoot } from "./repo-paths.js";

export interface ImageProcess {
  child: ChildProcess;
  /** Why it stopped, with its last output; undefined while it runs. */
  exitReason(): string | undefined;
  output(): string;
}

/** The image's command with `node` mapped to this Node binary, container paths to this checkout. */
export function imageCommand(dockerfileName: string): {
  file: string;
  args: string[];
  env: Record<string, string>;
} {
  const image = finalStage(readDockerfile(join(infraDir, dockerfileName)));
  const workdir = image.filter((i) => i.keyword === "WORKDIR").at(-1)?.args;
  if (workdir !== "/app")
    throw new Error(`${dockerfileName}: WORKDIR ${workdir}, expected /app (the repo root here)`);
  const [program, ...args] = execForm(image, "CMD") ?? [];
  if (program !== "node") throw new Error(`${dockerfileName}: CMD runs ${program}, expected node`);
  return { file: process.execPath, args, env: envOf(image) };
}

export function runImage(dockerfileName: string, overrides: Record<string, string>): ImageProcess {
  const { file, args, env } = imageCommand(dockerfileName);
  let output = "";
  let exitReason: string | undefined;
  const child = spawn(file, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: "test", ...overrides },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.once("exit", (code, signal) => {
    exitReason = `${dockerfileName} entry exited (${signal ?? `code ${code}`}):\n${output.slice(-2000)}`;
  });
  return { child, exitReason: () => exitReason, output: () => output };
}

/**
 * SIGTERM and wait, as `docker stop` does; SIGKILL only after `graceMs`. A SIGKILL first would orphan
 * the edge's workerd child (Miniflare disposes it from its own SIGTERM hook).
 */
export async function stopImage(run: ImageProcess, graceMs = 15_000): Promise<void> {
  const { child } = run;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
