// The compiled entry (node dist/server.js) as operators run it: --help, refusal messages with exit code 1,
// serving without auth on 127.0.0.1 only, and draining on SIGTERM.

import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { copyTinyBundle, TINY_BUNDLE } from "./helpers.js";

const SERVER = resolve(import.meta.dirname, "..", "dist", "server.js");

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { PATH: process.env.PATH ?? "", TINYSCALE_BUNDLE: TINY_BUNDLE, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

async function waitForLine(read: () => string, pattern: RegExp, child: ChildProcess): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const match = read()
      .split("\n")
      .find((l) => pattern.test(l));
    if (match) return match;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern} in:\n${read()}`);
}

describe("node dist/server.js", () => {
  it("--help documents every option and env var", async () => {
    const p = run(["--help"]);
    expect(await p.exit).toBe(0);
    for (const name of [
      "PORT",
      "TINYSCALE_BUNDLE",
      "TINYSCALE_SIGNING_SECRET",
      "TINYSCALE_BACKEND_TOKEN",
      "TINYSCALE_EP",
      "TINYSCALE_DEVICE_ID",
      "TINYSCALE_MAX_QUEUE",
      "TINYSCALE_MAX_BATCH",
      "--allow-unauthenticated",
    ]) {
      expect(p.out()).toContain(name);
    }
  });

  it("refuses to start without auth, and with a bad bundle names the file (exit 1)", async () => {
    const noAuth = run([]);
    expect(await noAuth.exit).toBe(1);
    expect(noAuth.err()).toMatch(/refusing to start without authentication/);

    const dir = copyTinyBundle();
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ format_version: 99 }));
    const bad = run([], { TINYSCALE_BUNDLE: dir, TINYSCALE_BACKEND_TOKEN: "t" });
    expect(await bad.exit).toBe(1);
    expect(bad.err()).toContain(join(dir, "manifest.json"));
    expect(bad.err()).toMatch(/format_version 99/);
    rmSync(dir, { recursive: true, force: true });

    const ep = run([], { TINYSCALE_EP: "metal", TINYSCALE_BACKEND_TOKEN: "t" });
    expect(await ep.exit).toBe(1);
    expect(ep.err()).toMatch(/unknown execution provider "metal".*cpu or cuda/);
  });

  it("serves unauthenticated on 127.0.0.1 only, and drains on SIGTERM", async () => {
    const p = run(["--allow-unauthenticated", "--port", "0", "--profile-runs", "1"]);
    const listening = JSON.parse(await waitForLine(p.out, /"msg":"listening"/, p.child));
    expect(listening.host).toBe("127.0.0.1");
    await waitForLine(p.out, /"msg":"ready"/, p.child);
    const url = listening.url as string;
    const pending = fetch(`${url}/v1/generate`, {
      method: "POST",
      body: JSON.stringify({ prompt: "a fox at closing time", n: 8, verifier: "clip" }),
    });
    await waitForLine(p.out, /"msg":"generate admitted"/, p.child);
    p.child.kill("SIGTERM");
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await p.exit).toBe(0);
    expect(p.out()).toMatch(/"msg":"drained and stopped"/);
  });
});
