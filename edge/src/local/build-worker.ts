// Bundles the Worker (src/worker.ts + hono + zod + @tinyscale/shared) into one ES module for
// miniflare, which needs a pre-bundled script; the same aliases as wrangler.jsonc's.
import { existsSync } from "node:fs";
import { build } from "esbuild";
import { EDGE_PATHS } from "./paths.js";

/** `entryPoint` defaults to the edge's Worker; a test may bundle another Worker the same way. */
export async function buildWorker(
  outfile: string = EDGE_PATHS.bundle,
  entryPoint: string = EDGE_PATHS.workerEntry,
): Promise<string> {
  if (!existsSync(EDGE_PATHS.openApiDocument)) {
    throw new Error(`${EDGE_PATHS.openApiDocument} is missing: build shared first (it writes openapi.json)`);
  }
  await build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import", "default"],
    external: ["cloudflare:*"],
    alias: { "tinyscale-openapi-document": EDGE_PATHS.openApiDocument },
    logLevel: "warning",
    sourcemap: false,
  });
  return outfile;
}
