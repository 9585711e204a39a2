// The package build: ESM (ky stays a dependency), CJS (ky bundled in, since ky ships ESM only and
// require() of ESM needs Node ≥ 22.12 and a bundler that supports it), its .d.cts, and the CLI. ESM types come from `tsc -b` (dist/tsc).
import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

const shared = {
  outDir: "dist",
  target: "es2022",
  sourcemap: true,
  // tsc -b writes dist/tsc; cleaning dist would delete it behind tsc's incremental state.
  clean: false,
  splitting: false,
} as const;

export default defineConfig([
  { ...shared, entry: { index: "src/index.ts" }, format: ["esm"], platform: "neutral", external: ["ky"] },
  {
    ...shared,
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    platform: "neutral",
    noExternal: ["ky"],
    dts: {
      compilerOptions: { composite: false, incremental: false, emitDeclarationOnly: false, rootDir: "src" },
    },
  },
  {
    ...shared,
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    platform: "node",
    external: ["ky"],
    define: { __SDK_VERSION__: JSON.stringify(version) },
  },
]);
