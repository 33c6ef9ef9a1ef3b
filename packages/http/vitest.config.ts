import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  // Tests run in Vite's SSR environment, which resolves with its own conditions.
  ssr: { resolve: { conditions: ["@cadenza/source"] } },
  test: { name: "http", include: ["src/**/*.test.ts"] },
});
