import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The bench package's folder, found from wherever this module runs (its sources or its build). */
function benchRoot(): string {
  let dir = new URL("./", import.meta.url);
  while (!existsSync(fileURLToPath(new URL("package.json", dir)))) dir = new URL("../", dir);
  return fileURLToPath(dir);
}

/** Absolute path of the `bench/` folder. */
export const BENCH_ROOT = benchRoot();

/** The child entry next to this module: `child-entry.js` in the build, `child-entry.ts` in the sources. */
export const CHILD_ENTRY = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("./child-entry.ts", import.meta.url)
    : new URL("./child-entry.js", import.meta.url),
);
