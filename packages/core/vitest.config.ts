import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  ssr: { resolve: { conditions: ["@cadenza/source"] } },
  test: { name: "core", include: ["src/**/*.test.ts", "runtime/**/*.test.ts"] },
});
