// Starts the real GPU backend (gpu-backend/dist/server.js, the operator's command) on 127.0.0.1 with
// the committed tiny bundle, as a child process, and waits until /readyz says it is loaded and profiled.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const BACKEND_SERVER = fileURLToPath(new URL("../../../gpu-backend/dist/server.js", import.meta.url));
// TINYSCALE_TEST_BUNDLE points the test at another bundle folder (e.g. a fresh export) when set.
export const TINY_BUNDLE =
  process.env.TINYSCALE_TEST_BUNDLE ??
  fileURLToPath(new URL("../../../gpu-backend/models/tiny", import.meta.url));

/** Why the real backend cannot start here, or null when it can. */
export function realBackendMissing(): string | null {
  if (!existsSync(BACKEND_SERVER)) return `${BACKEND_SERVER} is not built (run npm run build)`;
  if (!existsSync(`${TINY_BUNDLE}/manifest.json`)) return `the tiny bundle is missing at ${TINY_BUNDLE}`;
  return null;
}

export interface RealBackend {
  url: string;
  process: ChildProcess;
  output(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRealBackend(
  signingSecret: string,
  readyTimeoutMs = 90_000,
  bundle = TINY_BUNDLE,
): Promise<RealBackend> {
  const port = await freePort();
  const child = spawn(process.execPath, [BACKEND_SERVER], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      TINYSCALE_BUNDLE: bundle,
      TINYSCALE_SIGNING_SECRET: signingSecret,
      TINYSCALE_LOG_LEVEL: "warn",
      TINYSCALE_PROFILE_RUNS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the backend exited with ${child.exitCode}:\n${output}`);
    try {
      const ready = await fetch(`${url}/readyz`);
      if (ready.status === 200) return { url, process: child, output: () => output, close };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await close();
  throw new Error(`the backend was not ready within ${readyTimeoutMs} ms:\n${output}`);
}
