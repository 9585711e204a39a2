// Worker threads run compiled JavaScript from dist/: build gpu-backend (and shared) before any test, so a
// test run never uses a stale worker entry. Incremental, so it is quick when nothing changed.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

export default function setup(): void {
  // TypeScript 7 (the native tsc, package alias @typescript/native) exports no bin path: tsc sits beside its package.json.
  const tsc = createRequire(import.meta.url)
    .resolve("@typescript/native/package.json")
    .replace(/package\.json$/, "bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", resolve(import.meta.dirname, "..")], { stdio: "inherit" });
}
