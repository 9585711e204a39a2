// The package as npm would publish it: `npm pack` of the built package, publint and
// are-the-types-wrong on the tarball, then the tarball installed into a scratch project outside
// the workspace, whose ESM and CommonJS scripts, TypeScript and CLI use it against the real local stack.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarballProblems } from "../scripts/check-tarball.js";
import { type LocalStack, startLocalStack } from "./helpers/local-stack.js";

const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSC = createRequire(import.meta.url)
  .resolve("@typescript/native/package.json")
  .replace(/package\.json$/, "bin/tsc");

// What a user writes after `npm install tinyscale`, once as ESM and once as CommonJS.
const GENERATE = `
  const client = new Tinyscale({ apiKey: process.env.TINYSCALE_API_KEY, baseURL: process.env.TINYSCALE_BASE_URL });
  const result = await client.generate({ prompt: "a lighthouse at dusk", n: 2, seed: 11 });
  console.log(JSON.stringify({
    png: Array.from(result.image.slice(1, 4)), width: result.width, height: result.height,
    seeds: result.candidates.map((c) => c.seed), credits: result.usage.credits,
  }));`;
const SCRIPTS = {
  "generate.mjs": `import { Tinyscale } from "tinyscale";\n${GENERATE}\n`,
  "generate.cjs": `const { Tinyscale } = require("tinyscale");\n(async () => {${GENERATE}\n})();\n`,
  // Type-checked, not run: the published types under Node's ESM and CommonJS resolution.
  "typed.mts": `import { Tinyscale, type GenerateResult, RateLimitError } from "tinyscale";
const pending: Promise<GenerateResult> = new Tinyscale({ apiKey: "k" }).generate({ prompt: "p", budget_ms: 500 });
export const retryAfter = (e: unknown) => (e instanceof RateLimitError ? e.retryAfter : undefined);
export { pending };\n`,
  "typed.cts": `import tinyscale = require("tinyscale");
const pending: Promise<tinyscale.GenerateResult> = new tinyscale.Tinyscale({ apiKey: "k" }).generate({ prompt: "p" });
export = pending;\n`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "nodenext", strict: true, noEmit: true, lib: ["es2023", "dom"], types: [] },
    files: ["typed.mts", "typed.cts"],
  }),
};

let scratch: string;
let tarball: string;
let stack: LocalStack;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tinyscale-publish-"));
  // globalSetup has built dist/ with tsup; tsc -b adds the ESM types (a no-op when they are current).
  // --ignore-scripts skips prepack's rebuild, which would rewrite dist/ under the other test files.
  const packing = run(process.execPath, [TSC, "-b", SDK_DIR]).then(() =>
    run("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch], { cwd: SDK_DIR }),
  );
  stack = await startLocalStack("publish test");

  const packed = (await packing).stdout.trim().split("\n").at(-1) ?? "";
  tarball = join(scratch, packed);
  const project = {
    name: "scratch",
    private: true,
    type: "commonjs",
    dependencies: { tinyscale: `file:./${packed}` },
  };
  await writeFile(join(scratch, "package.json"), JSON.stringify(project));
  for (const [name, text] of Object.entries(SCRIPTS)) await writeFile(join(scratch, name), text);
  // The tarball is local; its one dependency (ky) comes from npm's cache where it can. Not --offline: `npm ci`
  // caches ky's tarball but not its registry metadata, which resolving the range needs on a fresh machine.
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"], {
    cwd: scratch,
  });
});

afterAll(async () => {
  await stack?.close();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

function inScratch(file: string, args: string[]) {
  return run(process.execPath, [file, ...args], {
    cwd: scratch,
    env: { ...process.env, TINYSCALE_API_KEY: stack.apiKey, TINYSCALE_BASE_URL: stack.edge.url },
  });
}

describe("the published package", () => {
  it("passes publint and are-the-types-wrong", async () => {
    expect(await tarballProblems(tarball)).toEqual([]);
  });

  it("carries the licence, the changelog and the metadata a registry page shows", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining(["package/LICENSE", "package/README.md", "package/CHANGELOG.md"]),
    );
    expect(
      // Declarations only: no TypeScript sources, tests or declaration maps pointing at unshipped sources.
      files.filter((f) => f.includes("/test/") || f.endsWith(".ts.map") || /(?<!\.d)\.ts$/.test(f)),
    ).toEqual([]);
    const installed = JSON.parse(
      await readFile(join(scratch, "node_modules/tinyscale/package.json"), "utf8"),
    );
    expect(installed).toMatchObject({ license: "Apache-2.0", sideEffects: false });
    expect(installed.private).toBeUndefined();
    expect(installed.repository?.directory).toBe("sdk");
    expect(await readFile(join(scratch, "node_modules/tinyscale/LICENSE"), "utf8")).toBe(
      await readFile(join(SDK_DIR, "..", "LICENSE"), "utf8"),
    );
  });

  it.each(["generate.mjs", "generate.cjs"])(
    "%s generates an image through the real stack",
    async (script) => {
      const { stdout } = await inScratch(script, []);
      expect(JSON.parse(stdout)).toMatchObject({ png: [0x50, 0x4e, 0x47], seeds: [11, 12], credits: 3 });
    },
  );

  it("type-checks a user's ESM and CommonJS code against the published types", async () => {
    await expect(run(process.execPath, [TSC, "-p", scratch], { cwd: scratch })).resolves.toMatchObject({
      stdout: "",
    });
  });

  it("installs the tinyscale command", async () => {
    const { version } = JSON.parse(await readFile(join(SDK_DIR, "package.json"), "utf8")) as {
      version: string;
    };
    const { stdout } = await inScratch("node_modules/.bin/tinyscale", ["--version"]);
    expect(stdout.trim()).toContain(version);
  });
});
