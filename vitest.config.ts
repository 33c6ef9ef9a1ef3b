import { defineConfig } from "vitest/config";

// One project per package, plus the docs' snippet check; each vitest.config.ts names itself.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "docs"],
  },
});
