import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  // Tests run in Vite's server environment, which takes its own conditions (Vite's defaults after ours).
  ssr: { resolve: { conditions: ["@cadenza/source", "module", "node", "development|production"] } },
  test: { name: "reliability", include: ["src/**/*.test.ts"] },
});
