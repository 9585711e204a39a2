// The edge's tests: the bundled Worker running inside workerd (miniflare), real HTTP on 127.0.0.1.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "edge",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
