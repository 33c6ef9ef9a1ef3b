import { defineProject } from "vitest/config";

// Tests run in Vite's server environment, which resolves with `ssr.resolve` rather than `resolve`.
export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  ssr: { resolve: { conditions: ["@cadenza/source"] } },
  test: { name: "http-api-transport-example", include: ["src/**/*.test.ts"] },
});
