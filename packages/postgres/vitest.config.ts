import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  // Tests run in Vite's server environment, which takes its own conditions (Vite's defaults after ours).
  ssr: { resolve: { conditions: ["@cadenza/source", "module", "node", "development|production"] } },
  // Real databases under a full parallel run on two cores: give each test room beyond the 5 s default.
  test: { name: "postgres", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
});
