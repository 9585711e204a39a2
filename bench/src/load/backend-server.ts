// One real backend process (`node gpu-backend/dist/server.js`, as deployed) on the committed tiny bundle,
// with the scheduler chosen by TINYSCALE_SCHEDULER, so the old and the new scheduling run side by side.
// Started at the lower CPU priority the local stack gives it, unless a niceness is given (0: none).

import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { lowPriorityCommand } from "@tinyscale/edge";
import type { Profile } from "@tinyscale/shared";
import { REPO_ROOT } from "../bundle/repo-paths.js";

export type SchedulerName = "legacy" | "batched";

export interface BackendServer {
  url: string;
  scheduler: SchedulerName;
  profile: Profile;
  stop(): Promise<void>;
}

export async function startBackendServer(opts: {
  scheduler: SchedulerName;
  port: number;
  secret: string;
  bearer: string;
  /** CPU priority lowered by this (nice); the local stack's default when left out. */
  niceness?: number;
  /** Graph worker threads (each with one intra-op thread). */
  workers: number;
}): Promise<BackendServer> {
  // Lowered as the local stack starts it (edge/src/local/backend-priority.ts), unless told otherwise.
  const { command, args } = lowPriorityCommand(
    process.execPath,
    [join(REPO_ROOT, "gpu-backend", "dist", "server.js")],
    opts.niceness,
  );
  const child: ChildProcess = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(opts.port),
      TINYSCALE_BUNDLE: join(REPO_ROOT, "gpu-backend", "models", "tiny"),
      TINYSCALE_SIGNING_SECRET: opts.secret,
      TINYSCALE_BACKEND_TOKEN: opts.bearer,
      TINYSCALE_SCHEDULER: opts.scheduler,
      TINYSCALE_INTRA_OP_THREADS: "1",
      TINYSCALE_WORKERS: String(opts.workers),
      TINYSCALE_PROFILE_RUNS: "3",
      TINYSCALE_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  const give = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend (${opts.scheduler}) exited with ${child.exitCode}`);
    try {
      const ready = await fetch(`${url}/readyz`);
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > give) {
      await stop();
      throw new Error(`backend (${opts.scheduler}) not ready after 120 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const profile = (await (await fetch(`${url}/v1/profile`)).json()) as Profile;
  return { url, scheduler: opts.scheduler, profile, stop };
}
