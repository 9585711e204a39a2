// The infra project: container, compose and Kubernetes config checked against the code they run, and
// the quick-start demo end to end. The demo imports the SDK's tsup build, which the test command's
// `tsc -b` does not produce: the SDK's own global setup builds it (skipped when up to date; vitest
// runs the projects' global setups one after another, so the two never build at once).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "infra",
    include: ["test/**/*.test.ts"],
    globalSetup: ["../sdk/test/global-setup.ts"],
    // Two of these files run a backend that profiles itself at start-up: one at a time, so they do not
    // skew each other's measurements on a 2-core machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
