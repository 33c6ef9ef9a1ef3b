import { defineConfig } from "tsup";

// The suite runs as built JavaScript, as a host runs Cadenza: the workspace packages are bundled from
// their sources (what their own builds ship), the bench's dependencies stay external.
export default defineConfig({
  entry: {
    cli: "src/cli.ts",
    "child-entry": "src/harness/child-entry.ts",
    // A SQLite store with `thread: true` starts this program, beside the bundled store's code.
    "sqlite-store-thread": "../packages/sqlite/src/sqlite-store-thread.ts",
  },
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  sourcemap: true,
  splitting: true,
  noExternal: [/^@cadenza\//],
  // Bundled CommonJS dependencies of the workspace packages call `require`, which ESM lacks.
  banner: {
    js: 'import { createRequire as __benchRequire } from "node:module"; const require = __benchRequire(import.meta.url);',
  },
  esbuildOptions(options) {
    options.conditions = ["@cadenza/source"];
  },
});
