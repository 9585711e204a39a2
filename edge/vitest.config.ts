// The edge's tests: the bundled Worker running inside workerd (miniflare), real HTTP on 127.0.0.1; unit
// tests under src/ run in Node (the openapi document alias is the one the Worker bundle uses).
import { defineConfig } from "vitest/config";
import { EDGE_PATHS } from "./src/local/paths.js";

export default defineConfig({
  resolve: { alias: { "tinyscale-openapi-document": EDGE_PATHS.openApiDocument } },
  test: {
    name: "edge",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
