// Type-checks this project's TypeScript that `tsc -b` (the build) does not reach: these tests and the
// quick-start scripts in scripts/local and scripts/demo, run by tsx, which strips types unchecked.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { infraDir, repoRoot } from "./repo-paths.js";

const run = promisify(execFile);

it("type-checks infra/ and the quick-start scripts under the workspace's strict settings", async () => {
  // TypeScript 7 (the native tsc, package alias @typescript/native) exports no bin path: tsc sits beside its package.json.
  const tsc = createRequire(join(repoRoot, "package.json"))
    .resolve("@typescript/native/package.json")
    .replace(/package\.json$/, "bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", join(infraDir, "tsconfig.json")], {
    cwd: repoRoot,
  }).then(
    () => ({ code: 0, output: "" }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? "" }),
  );
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
});
