// @tinyscale/edge for Node callers (tests, demo, benchmarks): start the edge locally in workerd.
// The Worker itself is src/worker.ts, bundled separately; nothing here runs inside workerd.
export { applyMigrations } from "./local/apply-migrations.js";
export { LOCAL_BACKEND_NICENESS, lowPriorityCommand } from "./local/backend-priority.js";
export { buildWorker } from "./local/build-worker.js";
export {
  EDGE_PATHS,
  ensureWorkerBundle,
  LOCAL_COMPATIBILITY_DATE,
  type LocalEdge,
  type LocalEdgeOptions,
  localMiniflareOptions,
  startLocalEdge,
} from "./local/start-local-edge.js";
