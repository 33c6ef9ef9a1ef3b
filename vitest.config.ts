import { defineConfig } from "vitest/config";

// One project per package; each package's vitest.config.ts names itself.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*"],
  },
});
