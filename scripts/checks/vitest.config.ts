// Checks of the repository as a whole (module structure), not of one workspace.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "repository",
    include: ["*.test.ts"],
  },
});
