import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    conformance: "src/testing/conformance.ts",
    runtime: "runtime/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // nanoid is ESM-only; bundling it keeps the CommonJS build loadable on every Node 20.
  noExternal: ["nanoid"],
  external: ["vitest"],
  // `mjmlWorker` resolves mjml from `import.meta.url`, which the CommonJS build needs shimmed.
  shims: true,
});
