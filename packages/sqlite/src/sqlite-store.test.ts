import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqlStore } from "@cadenza/sql";
import { runSqlStoreSuite } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { sqliteStore } from "./sqlite-store.js";

runSqlStoreSuite({
  name: "sqlite",
  async createHarness() {
    const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-"));
    const file = join(dir, "cadenza.db");
    const stores: SqlStore[] = [];
    const open = async () => {
      const store = sqliteStore(file);
      stores.push(store);
      return store;
    };
    const store = await open();
    await store.migrate();
    return {
      store,
      open,
      async execute(statement) {
        const db = new Database(file);
        try {
          db.exec(statement);
        } finally {
          db.close();
        }
      },
      async cleanup() {
        for (const s of stores) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
