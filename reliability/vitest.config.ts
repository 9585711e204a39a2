// The reliability suite: real backend processes, the edge in workerd, generated inputs, faults and load.
// Files run one at a time: each owns its stack, and the load numbers must not share two CPUs with another.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Real processes on a 2-core machine: one fresh attempt for a test that a stalled runtime timed out
    // (seen once in a full run: the quota test, not reproduced in 11 runs alone or under CPU load).
    retry: 1,
  },
});
