// One vitest run for every TypeScript workspace; each workspace keeps its own config.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "shared",
      "gpu-backend",
      "edge",
      "sdk",
      "examples",
      "bench",
      "reliability",
      "infra",
      "scripts/checks",
    ],
  },
});
