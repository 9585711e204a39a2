// The root `tsc -b` does not build this workspace (nothing here is emitted): type-check it here, so a type
// error in the suite fails `npm test` like anywhere else.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("type-checks the reliability suite (strict, noUncheckedIndexedAccess)", () => {
  // TypeScript 7 (the native tsc, package alias @typescript/native) exports no bin path: tsc sits beside its package.json.
  const tsc = createRequire(import.meta.url)
    .resolve("@typescript/native/package.json")
    .replace(/package\.json$/, "bin/tsc");
  const project = fileURLToPath(new URL("../tsconfig.json", import.meta.url));
  let output = "";
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(output).toBe("");
});
