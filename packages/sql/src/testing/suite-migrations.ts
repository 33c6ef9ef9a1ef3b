import { isCadenzaError } from "@cadenza/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/** Migrations: idempotent, recorded, and refusing a newer database. */
export function migrationSuite(options: SqlStoreSuiteOptions): void {
  describe("migrations", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    it("applies nothing the second time", async () => {
      const again = await h.store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.version).toBeGreaterThanOrEqual(1);
    });

    it("refuses a database migrated by a newer version, naming it", async () => {
      await h.execute("INSERT INTO cadenza_migrations (id, name) VALUES (9999, '9999_from_the_future')");
      const other = await h.open();
      const error = await other.listCampaigns().catch((e: unknown) => e);
      expect(isCadenzaError(error, "STORE_VERSION")).toBe(true);
      expect((error as Error).message).toMatch(/9999/);
      const migrating = await h.store.migrate().catch((e: unknown) => e);
      expect(isCadenzaError(migrating, "STORE_VERSION")).toBe(true);
    });
  });
}
