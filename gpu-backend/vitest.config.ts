import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "gpu-backend",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
