// Worker threads run compiled JavaScript from dist/: build gpu-backend (and shared) before any test, so a
// test run never uses a stale worker entry. Incremental, so it is quick when nothing changed.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", resolve(import.meta.dirname, "..")], { stdio: "inherit" });
}
