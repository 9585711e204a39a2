// Builds the Worker bundle once for the whole edge test run; each test file then starts its own
// Miniflare on that file instead of rebuilding (files run in parallel processes).
import { buildWorker } from "../src/local/build-worker.js";

export default async function setup(): Promise<void> {
  await buildWorker();
}
