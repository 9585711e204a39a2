// The GPU backend as a real child process (`node gpu-backend/dist/server.js`, as deployed), so faults are
// real: SIGKILL mid-request, SIGSTOP to make it hang, a restart on the same port. Its stdout/stderr are
// kept for the "no secret in logs" checks, its RSS read from /proc for the load report.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { BACKEND_SERVER, TINY_BUNDLE } from "./paths.js";

export const SIGNING_SECRET = "reliability-signing-secret-0123456789";
export const BACKEND_TOKEN = "reliability-backend-token-0123456789";

export interface BackendProcessOptions {
  port?: number;
  bundle?: string;
  env?: Record<string, string>;
}

export interface BackendProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything it wrote to stdout and stderr, in order. */
  output: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
  rssBytes(): number;
}

function childEnv(options: BackendProcessOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(options.port ?? 0),
    TINYSCALE_BUNDLE: options.bundle ?? TINY_BUNDLE,
    TINYSCALE_SIGNING_SECRET: SIGNING_SECRET,
    TINYSCALE_BACKEND_TOKEN: BACKEND_TOKEN,
    TINYSCALE_PROFILE_RUNS: "1",
    TINYSCALE_INTRA_OP_THREADS: "1",
    TINYSCALE_LOG_LEVEL: "info",
    ...options.env,
  };
}

/** Spawns the backend; resolves once it listens (not yet ready: use waitReady). */
export async function spawnBackend(options: BackendProcessOptions = {}): Promise<BackendProcess> {
  const child: ChildProcess = spawn(process.execPath, [BACKEND_SERVER], {
    env: childEnv(options),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let pending = "";
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output.push(text);
      pending += text;
      const match = /"msg":"listening"[^\n]*"port":(\d+)/.exec(pending);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    exited.then((code) =>
      reject(new Error(`backend exited with ${code} before listening:\n${output.join("")}`)),
    );
  });
  const pid = child.pid ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    output,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await exited;
    },
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : Number.NaN;
    },
  };
}

/** Polls GET /readyz until it answers 200 (bundle loaded, profile measured). */
export async function waitReady(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`backend at ${url} not ready after ${timeoutMs} ms: ${last}`);
}

/** The backend's own count of queued + running requests (GET /healthz). */
export async function backendLoad(url: string): Promise<{ queue_depth: number; in_flight: number }> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
  return (await response.json()) as { queue_depth: number; in_flight: number };
}

/** Starts a backend and waits until it serves. */
export async function startBackendProcess(options: BackendProcessOptions = {}): Promise<BackendProcess> {
  const backend = await spawnBackend(options);
  try {
    await waitReady(backend.url);
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return backend;
}

/** Runs the backend CLI until it exits (start-up refusals), returning its exit code and output. */
export function runUntilExit(
  options: BackendProcessOptions,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BACKEND_SERVER], {
    env: childEnv(options),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`backend still running after ${timeoutMs} ms:\n${output.join("")}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.join(""), ms: Date.now() - started });
    });
  });
}
