// `npm start` in gpu-backend builds what it runs first (the prestart hook runs `tsc -b`, which also builds
// shared), so a fresh clone after `npm ci` starts instead of failing on a missing dist/server.js.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const PACKAGE_DIR = resolve(import.meta.dirname, "..");

it("runs the build before the server it starts", () => {
  const { scripts } = JSON.parse(readFileSync(resolve(PACKAGE_DIR, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  expect(scripts.prestart).toBe("tsc -b");
  expect(scripts.start).toBe("node dist/server.js");
});

it("npm start -- --help builds, then answers with the server's usage", async () => {
  const { stdout } = await promisify(execFile)("npm", ["start", "--silent", "--", "--help"], {
    cwd: PACKAGE_DIR,
    timeout: 120_000,
  });
  expect(stdout).toMatch(/^Usage: node dist\/server\.js/m);
}, 130_000);
