// startLocalEdge from the built package (dist/), in a child node process whose cwd is an unrelated
// temp folder and whose Worker bundle lies outside that cwd: nothing in it may depend on process.cwd().
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_PATHS } from "../src/local/paths.js";

const DIST_ENTRY = join(EDGE_PATHS.root, "dist", "index.js");
const BUILT_START = join(EDGE_PATHS.root, "dist", "local", "start-local-edge.js");
const SOURCE_START = join(EDGE_PATHS.root, "src", "local", "start-local-edge.ts");

// Runs in the child (from a file: under `node -e`, miniflare's getD1Database never answers): builds the Worker into a folder beside (not under) the cwd, starts the edge, mints
// a key through the admin API (so the D1 migrations ran) and reads /v1/usage with it, then closes.
const CHILD = `
const { buildWorker, startLocalEdge } = await import(process.env.EDGE_ENTRY);
const scriptPath = await buildWorker(process.env.BUNDLE_FILE);
const adminToken = "cwd-admin-token-0123456789abcdef";
const edge = await startLocalEdge({
  backends: ["http://127.0.0.1:9"],
  signingSecret: "cwd-signing-secret-0123456789abcdef",
  adminToken,
  scriptPath,
});
try {
  const created = await fetch(edge.url + "/admin/keys", {
    method: "POST",
    headers: { authorization: "Bearer " + adminToken, "content-type": "application/json" },
    body: JSON.stringify({ name: "cwd" }),
  });
  const { key } = await created.json();
  const usage = await fetch(edge.url + "/v1/usage", { headers: { authorization: "Bearer " + key } });
  console.log(JSON.stringify({ cwd: process.cwd(), created: created.status, usage: usage.status }));
} finally {
  await edge.close();
}
`;

let base: string;

/**
 * Runs `node script` in `cwd` as its own process group, so a hung child and its workerd are killed
 * together; settles on exit (not on stdio close, which an orphaned workerd could hold open).
 */
function runNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd, env: { ...process.env, ...env }, detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "tinyscale-edge-cwd-"));
  await mkdir(join(base, "cwd"));
});
afterAll(async () => {
  if (base !== undefined) await rm(base, { recursive: true, force: true });
});

describe("startLocalEdge outside the repository", () => {
  it("starts from the built package with the cwd in /tmp and the bundle outside it", async () => {
    if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is not built (run npm run build -w edge)`);
    if (statSync(BUILT_START).mtimeMs < statSync(SOURCE_START).mtimeMs) {
      throw new Error(`${BUILT_START} is older than its source (run npm run build -w edge)`);
    }
    const cwd = join(base, "cwd");
    const script = join(base, "child.mjs");
    await writeFile(script, CHILD);
    const result = await runNode(script, cwd, {
      EDGE_ENTRY: DIST_ENTRY,
      BUNDLE_FILE: join(base, "bundle", "worker.js"),
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "null")).toEqual({
      cwd,
      created: 201,
      usage: 200,
    });
  });
});
