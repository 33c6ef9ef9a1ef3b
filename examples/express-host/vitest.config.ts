import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cadenza/source"] },
  // Tests run in Vite's SSR environment, which resolves with its own conditions.
  ssr: { resolve: { conditions: ["@cadenza/source"] } },
  test: {
    name: "express-host",
    include: ["src/**/*.test.ts", "demo/**/*.test.ts"],
    testTimeout: 60_000,
    // These files start servers and Node processes; one at a time leaves the other packages' tests
    // their share of the CPU when the whole workspace runs at once.
    poolOptions: { forks: { singleFork: true }, threads: { singleThread: true } },
  },
});
