import { defineProject } from "vitest/config";

export default defineProject({
  // One TypeScript program for every page takes a few seconds; give it room on a busy machine.
  test: { name: "docs", include: ["check/**/*.test.ts"], hookTimeout: 60_000 },
});
