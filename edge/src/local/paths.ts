// Where the edge's files are on disk, found from this module (src/local or dist/local alike), so the
// helpers work from a source checkout under vitest/tsx and from the compiled package.
import { fileURLToPath } from "node:url";

const edgeRoot = fileURLToPath(new URL("../../", import.meta.url));

export const EDGE_PATHS = {
  root: edgeRoot,
  workerEntry: `${edgeRoot}src/worker.ts`,
  bundle: `${edgeRoot}dist/bundle/worker.js`,
  migrations: `${edgeRoot}migrations`,
  openApiDocument: fileURLToPath(new URL("../shared/openapi.json", `file://${edgeRoot}`)),
} as const;
