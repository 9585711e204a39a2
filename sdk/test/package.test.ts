// The built package as users get it: `require("tinyscale")` (CJS, ky bundled in) and `import "tinyscale"`
// (ESM) both resolve through the exports map and generate an image from a real HTTP server.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer, TEST_KEY } from "./helpers/api-server.js";

const run = promisify(execFile);
const sdkDir = new URL("..", import.meta.url);

const USE_CLIENT = `
  const client = new Tinyscale({ apiKey: process.env.KEY, baseURL: process.env.URL, maxRetries: 1 });
  const result = await client.generate({ prompt: "a lighthouse", n: 2, seed: 5 });
  const failure = await new Tinyscale({ apiKey: "wrong", baseURL: process.env.URL }).usage().catch((e) => e);
  console.log(JSON.stringify({
    width: result.width, height: result.height, bytes: result.image.length, isUint8Array: result.image instanceof Uint8Array,
    png: Array.from(result.image.slice(1, 4)), seeds: result.candidates.map((c) => c.seed),
    error: failure.constructor.name, authInstance: failure instanceof AuthenticationError, status: failure.status,
  }));`;

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ failFirst: 1 });
});
afterAll(() => server.close());

async function runNode(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, args, {
    cwd: new URL("../..", import.meta.url),
    env: { ...process.env, KEY: TEST_KEY, URL: server.url },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const EXPECTED = {
  width: 32,
  height: 24,
  isUint8Array: true,
  png: [0x50, 0x4e, 0x47],
  seeds: [5, 6],
  error: "AuthenticationError",
  authInstance: true,
  status: 401,
};

describe("built package", () => {
  it("require() loads the CJS build and it works", async () => {
    const script = `const { Tinyscale, AuthenticationError } = require("tinyscale"); (async () => { ${USE_CLIENT} })();`;
    const result = await runNode(["--input-type=commonjs", "-e", script]);
    expect(result).toMatchObject(EXPECTED);
  });

  it("import loads the ESM build and it works", async () => {
    const script = `import { Tinyscale, AuthenticationError } from "tinyscale"; ${USE_CLIENT}`;
    const result = await runNode(["--input-type=module", "-e", script]);
    expect(result).toMatchObject(EXPECTED);
  });

  it("CJS bundles ky (ESM-only) and neither build imports a Node built-in", async () => {
    const cjs = await readFile(new URL("dist/index.cjs", sdkDir), "utf8");
    const esm = await readFile(new URL("dist/index.js", sdkDir), "utf8");
    expect(cjs).not.toMatch(/require\(["']ky["']\)/);
    expect(cjs).toMatch(/class _*Ky\b/);
    for (const source of [cjs, esm]) {
      expect(source).not.toMatch(/(?:from|require\()\s*["']node:/);
      expect(source).not.toMatch(/\bBuffer\./);
    }
    expect([...esm.matchAll(/^import .* from ["']([^"']+)["']/gm)].map((m) => m[1])).toEqual(["ky"]);
  });

  it("package.json maps both conditions to files that exist", async () => {
    const pkg = JSON.parse(await readFile(new URL("package.json", sdkDir), "utf8")) as {
      exports: Record<string, Record<string, Record<string, string>>>;
      bin: Record<string, string>;
    };
    const root = pkg.exports["."];
    const files = [
      root?.import?.types,
      root?.import?.default,
      root?.require?.types,
      root?.require?.default,
      pkg.bin.tinyscale,
    ];
    for (const file of files) {
      expect(file).toBeDefined();
      await expect(readFile(new URL(file as string, sdkDir))).resolves.toBeDefined();
    }
  });
});
