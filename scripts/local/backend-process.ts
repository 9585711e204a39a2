// Runs the gpu-backend as its own process — the same `node gpu-backend/dist/server.js` the container
// runs — on loopback, and stops it with SIGTERM so its drain runs as it would in production.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitForOk } from "./wait-http.js";

export interface BackendSettings {
  repoRoot: string;
  bundle: string;
  port: number;
  signingSecret: string;
  backendToken: string;
  /** Where the backend's log lines go; the tail is quoted when it fails to start. */
  logFile: string;
  readyTimeoutMs?: number;
  /** Rewrites the command line that starts it (the local stack lowers its CPU priority so). */
  launch?: (command: string, args: string[]) => { command: string; args: string[] };
}

export interface RunningBackend {
  url: string;
  /** SIGTERM and wait for the drain to finish (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** SIGTERM without waiting, for exit paths that cannot await: the backend drains on its own. */
  signalStop(): void;
}

function logTail(path: string): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-15).join("\n  ");
  } catch {
    return "(no log)";
  }
}

export async function startBackend(settings: BackendSettings): Promise<RunningBackend> {
  // The log file, not a pipe: the backend keeps logging through its drain even if this process is gone.
  const logFd = openSync(settings.logFile, "w");
  const server = [join(settings.repoRoot, "gpu-backend", "dist", "server.js")];
  const { command, args } = settings.launch
    ? settings.launch(process.execPath, server)
    : { command: process.execPath, args: server };
  const child = spawn(command, args, {
    cwd: settings.repoRoot,
    env: {
      ...process.env,
      PORT: String(settings.port),
      HOST: "127.0.0.1",
      TINYSCALE_EP: process.env.TINYSCALE_EP ?? "cpu",
      TINYSCALE_BUNDLE: settings.bundle,
      TINYSCALE_SIGNING_SECRET: settings.signingSecret,
      TINYSCALE_BACKEND_TOKEN: settings.backendToken,
    },
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  let exitReason: string | undefined;
  child.once("exit", (code, signal) => {
    exitReason = `gpu-backend exited (${signal ?? `code ${code}`}) before it was ready; ${settings.logFile}:\n  ${logTail(settings.logFile)}`;
  });
  const url = `http://127.0.0.1:${settings.port}`;
  try {
    await waitForOk(`${url}/readyz`, {
      timeoutMs: settings.readyTimeoutMs ?? 120_000,
      failed: () => exitReason,
    });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    url,
    stop: () => stopChild(child),
    signalStop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}

/** SIGTERM, then SIGKILL if the drain has not finished in 30 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}
