// examples/generate.sh without a server: it refuses to run without a key and says how to get one, and
// reports an unreachable endpoint instead of writing an empty image. The happy path runs in sdk/test/e2e.test.ts.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../generate.sh", import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tinyscale-sh-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function runScript(
  env: Record<string, string | undefined>,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      [SCRIPT, ...args],
      { cwd: dir, env: { ...process.env, TINYSCALE_API_KEY: undefined, ...env } },
      (error, _out, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

it("without TINYSCALE_API_KEY it exits 1 and names the variable", async () => {
  const result = await runScript({}, ["a fox"]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("set TINYSCALE_API_KEY");
});

it("an unreachable endpoint fails without leaving an image behind", async () => {
  const out = join(dir, "none.png");
  const port = await closedPort();
  const result = await runScript(
    { TINYSCALE_API_KEY: "ts_test_x", TINYSCALE_BASE_URL: `http://127.0.0.1:${port}` },
    ["a fox", out],
  );
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/curl: \(7\)|Failed to connect|Couldn't connect/);
  expect(existsSync(out)).toBe(false);
});
