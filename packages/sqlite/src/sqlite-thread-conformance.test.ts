import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreConformanceSuite } from "@cadenza/core/testing/conformance";
import type { SqlStore } from "@cadenza/sql";
import { sqliteStore } from "./sqlite-store.js";

// The adapter conformance suite against the store in a worker thread: every argument and answer
// crosses by structured clone, every error by its code, issues and details. (The SQL store's own
// suite runs against the store on the host's thread: the statements are the same.)
runStoreConformanceSuite({
  name: "sqlite (thread)",
  async createStore() {
    const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-thread-conformance-"));
    const file = join(dir, "cadenza.db");
    const stores: SqlStore[] = [sqliteStore(file, { migrate: true, thread: true })];
    return {
      store: stores[0]!,
      async another() {
        const store = sqliteStore(file, { migrate: true, thread: true });
        stores.push(store);
        return store;
      },
      async cleanup() {
        for (const s of stores) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
