// The SDK's tests: unit tests with an injected fetch, the built package (ESM, CJS, workerd), the CLI,
// and the end-to-end run against the real stack. globalSetup builds the package first (tsup).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "sdk",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
