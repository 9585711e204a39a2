// Where the infra tests find things: the repository root, infra/, and the committed tiny bundle.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const infraDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(infraDir, "..");
export const tinyBundle = join(repoRoot, "gpu-backend", "models", "tiny");
export const backendEntry = join(repoRoot, "gpu-backend", "dist", "server.js");
