// Builds the package with tsup before any test runs, so a clean clone's `npm test` (which runs only
// `tsc -b`) still tests the real ESM/CJS/CLI artifacts. About 3 s; skipped when the build is newer than src.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const outputs = ["index.js", "index.cjs", "index.d.cts", "cli.js"].map((name) =>
    join(sdkDir, "dist", name),
  );
  const inputs = Math.max(newestMtime(join(sdkDir, "src")), statSync(join(sdkDir, "tsup.config.ts")).mtimeMs);
  if (outputs.every((path) => existsSync(path) && statSync(path).mtimeMs >= inputs)) return;
  const tsupPackage = createRequire(import.meta.url).resolve("tsup/package.json");
  const tsupCli = join(dirname(tsupPackage), "dist", "cli-default.js");
  execFileSync(process.execPath, [tsupCli], { cwd: sdkDir, stdio: ["ignore", "ignore", "inherit"] });
}
