// Checks the built package as hosts load it, from ESM and from CommonJS: a store in a thread
// answers (the thread's program is found beside the module), and the checkpoint thread starts
// (better-sqlite3 is found from the module's own location); and, as a host's bundle that left the
// thread's program out would load it, the store finds it through `@cadenza/sqlite/store-thread`.
// `pnpm check:package` runs it after a build.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-dist-"));
// A "bundle": the CommonJS build alone in a directory of this package, without the thread's program.
const bundle = new URL("../.check-bundle/", import.meta.url);
mkdirSync(bundle, { recursive: true });
copyFileSync(new URL("../dist/index.cjs", import.meta.url), new URL("index.cjs", bundle));
const require = createRequire(import.meta.url);
const builds = {
  esm: await import("../dist/index.js"),
  cjs: require("../dist/index.cjs"),
  bundle: require("../.check-bundle/index.cjs"),
};
try {
  for (const [format, { sqliteStore }] of Object.entries(builds)) {
    for (const thread of [false, true]) {
      const store = sqliteStore(join(dir, `${format}-${thread}.db`), { migrate: true, thread });
      const at = new Date("2030-03-04T09:00:00.000Z");
      // One transaction each, past the commits after which the checkpoint thread starts.
      for (let i = 0; i < 80; i++) {
        await store.suppress([
          { email: `p${i}@example.com`, reason: "complaint", campaignId: null, createdAt: at },
        ]);
      }
      const listed = await store.listSuppressions({ limit: 100, offset: 0 });
      assert.equal(listed.length, 80, `${format}, thread ${thread}: suppressions`);
      const stats = store.checkpoints();
      assert.equal(stats.mode, "background", `${format}, thread ${thread}: checkpoint mode`);
      assert.equal(stats.failure, undefined, `${format}, thread ${thread}: checkpoint failure`);
      await store.close();
    }
  }
  console.log(
    "dist: ESM, CommonJS and bundled builds open stores on and off a thread, with background checkpoints",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { recursive: true, force: true });
}
