import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreConformanceSuite } from "@cadenza/core/testing/conformance";
import type { SqlStore } from "@cadenza/sql";
import { sqliteStore } from "./sqlite-store.js";

runStoreConformanceSuite({
  name: "sqlite",
  async createStore() {
    const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-conformance-"));
    const file = join(dir, "cadenza.db");
    const stores: SqlStore[] = [sqliteStore(file, { migrate: true })];
    return {
      store: stores[0]!,
      async another() {
        const store = sqliteStore(file, { migrate: true });
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
