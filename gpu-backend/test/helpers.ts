// Test helpers: start a real backend on 127.0.0.1 (real worker thread, real tiny bundle), sign requests
// like the edge does, read counters from /metrics.

import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { signatureHeaders } from "@tinyscale/shared";
import { createLogger } from "../src/log/logger.js";
import { type RunningBackend, type StartBackendOptions, startBackend } from "../src/start-backend.js";

/** The committed tiny bundle (TINYSCALE_TEST_BUNDLE overrides it, e.g. to try another bundle). */
export const TINY_BUNDLE = resolve(
  process.env.TINYSCALE_TEST_BUNDLE ?? resolve(import.meta.dirname, "..", "models", "tiny"),
);
export const SECRET = "test-signing-secret";
export const TOKEN = "test-backend-token";

export interface TestBackend extends RunningBackend {
  logs: string[];
}

export async function startTestBackend(options: StartBackendOptions = {}): Promise<TestBackend> {
  const logs: string[] = [];
  const logger = createLogger("debug", {}, (line) => logs.push(line));
  const backend = await startBackend({
    port: 0,
    bundle: TINY_BUNDLE,
    signingSecret: SECRET,
    backendToken: TOKEN,
    profileRuns: 1,
    intraOpThreads: 1,
    logger,
    ...options,
  });
  return Object.assign(backend, { logs });
}

/** POSTs a JSON body to /v1/generate with the bearer token (or the given headers instead). */
export function generate(
  backend: RunningBackend,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<Response> {
  return fetch(`${backend.url}/v1/generate`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Signature headers for a POST /v1/generate body, as the edge sends them. */
export async function signed(body: string, nowMs?: number): Promise<Record<string, string>> {
  return signatureHeaders(SECRET, {
    method: "POST",
    path: "/v1/generate",
    body,
    ...(nowMs ? { nowMs } : {}),
  });
}

/** Value of one counter/gauge sample in the Prometheus text of /metrics (0 when absent). */
export async function metricValue(
  backend: RunningBackend,
  name: string,
  labels: Record<string, string> = {},
) {
  const text = await (await fetch(`${backend.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

/** A private copy of the tiny bundle that a test may break. */
export function copyTinyBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), "tinyscale-bundle-"));
  cpSync(TINY_BUNDLE, dir, { recursive: true });
  return dir;
}
