import { defineConfig } from "tsup";

export default defineConfig({
  // The store thread's program is its own file: `sqliteStore(file, { thread: true })` starts a worker
  // on `dist/sqlite-store-thread.js`, beside the module that asks for it (also exported as
  // `@cadenza/sqlite/store-thread`, for bundles that leave it out).
  entry: { index: "src/index.ts", "sqlite-store-thread": "src/sqlite-store-thread.ts" },
  format: ["esm", "cjs"],
  dts: true,
  // `import.meta.url` in the CommonJS build too (the thread's and the checkpointer's file lookups).
  shims: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
