import { isCadenzaError } from "@cadenza/core";
import { AUDIT_QUERIES } from "@cadenza/sql";
import { seedCampaign } from "@cadenza/sql/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  quoteIdent,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

if (await postgresReachable()) {
  const schemas: string[] = [];
  const schema = (suffix = "") => {
    const name = testSchemaName() + suffix;
    schemas.push(name);
    return name;
  };
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  /** A fresh schema, migrated, and a pool to read its catalog with (end it when done). */
  async function migratedSchema() {
    const name = schema();
    const store = postgresStore(TEST_DATABASE_URL, { schema: name });
    await store.migrate();
    await store.close();
    return { name, pool: new pg.Pool({ connectionString: TEST_DATABASE_URL }) };
  }

  describe("postgresStore schema", () => {
    it("migration 0008_inbound_reports keeps the first of inbound copies stored twice, then refuses a second copy", async () => {
      const name = schema();
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      const inbound = (id: string, messageId: string, createdAt: string) =>
        pool.query(
          `INSERT INTO emails (id, direction, status, message_id, subject, body, to_email, from_email, created_at)
           VALUES ($1, 'inbound', 'received', $2, 'Re: Hello', 'Yes', 'ana@sender.test', 'a@example.com', $3)`,
          [id, messageId, createdAt],
        );
      try {
        await pool.query(`CREATE SCHEMA ${quoteIdent(name)}`);
        await pool.query(`SET search_path TO ${quoteIdent(name)}`);
        const inboundReports = POSTGRES_MIGRATIONS.find((m) => m.id === 8);
        expect(inboundReports?.name).toBe("0008_inbound_reports");
        for (const m of POSTGRES_MIGRATIONS.filter((m) => m.id < 8))
          for (const s of m.statements) await pool.query(s);
        await inbound("00000000-0000-7000-8000-000000000002", "<r1@gmail.test>", "2026-01-05T10:00:01Z");
        await inbound("00000000-0000-7000-8000-000000000001", "<r1@gmail.test>", "2026-01-05T10:00:02Z");
        await inbound("00000000-0000-7000-8000-000000000003", "<r2@gmail.test>", "2026-01-05T10:00:03Z");
        for (const s of inboundReports!.statements) await pool.query(s);
        const { rows } = await pool.query("SELECT id::text, message_id FROM emails ORDER BY id");
        expect(rows).toEqual([
          { id: "00000000-0000-7000-8000-000000000002", message_id: "<r1@gmail.test>" },
          { id: "00000000-0000-7000-8000-000000000003", message_id: "<r2@gmail.test>" },
        ]);
        const again = await inbound(
          "00000000-0000-7000-8000-000000000004",
          "<r2@gmail.test>",
          "2026-01-05T10:00:04Z",
        ).catch((e: { code?: string }) => e.code);
        expect(again).toBe("23505");
      } finally {
        await pool.end();
      }
    });

    it("migrates once when several processes start at the same time", async () => {
      const name = schema();
      const stores = Array.from({ length: 4 }, () => postgresStore(TEST_DATABASE_URL, { schema: name }));
      const results = await Promise.all(stores.map((s) => s.migrate()));
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
      expect(results.every((r) => r.version === 9)).toBe(true);
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL });
      const { rows } = await pool.query(`SELECT id, name FROM ${quoteIdent(name)}.cadenza_migrations`);
      expect(rows).toEqual([
        { id: 1, name: "0001_initial" },
        { id: 2, name: "0002_saved_audiences" },
        { id: 3, name: "0003_dispatch_indexes" },
        { id: 4, name: "0004_email_compression" },
        { id: 5, name: "0005_foreign_key_indexes" },
        { id: 6, name: "0006_provider_message_ids" },
        { id: 7, name: "0007_mailbox_day_and_ramp" },
        { id: 8, name: "0008_inbound_reports" },
        { id: 9, name: "0009_sender_holds" },
      ]);
      await pool.end();
      for (const s of stores) await s.close();
    });

    it("indexes the referencing columns of every foreign key, with no WHERE, so deletes look rows up", async () => {
      const { name, pool } = await migratedSchema();
      // Each foreign key whose columns lead no index without a predicate: a delete of a referenced
      // row would scan the referencing table.
      const { rows } = await pool.query(
        `SELECT c.conrelid::regclass::text AS "table", c.conname AS "constraint"
           FROM pg_constraint c
          WHERE c.contype = 'f' AND c.connamespace = $1::regnamespace
            AND NOT EXISTS (
              SELECT 1 FROM pg_index i
               WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
                 AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)`,
        [name],
      );
      const { rows: checked } = await pool.query(
        "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace",
        [name],
      );
      await pool.end();
      expect(checked[0].n).toBeGreaterThan(5);
      expect(rows).toEqual([]);
    });

    it("compresses the rendered bodies of emails with lz4", async () => {
      const { name, pool } = await migratedSchema();
      const { rows } = await pool.query(
        `SELECT attname, attcompression FROM pg_attribute
          WHERE attrelid = $1::regclass AND attname IN ('html', 'body') ORDER BY attname`,
        [`${quoteIdent(name)}.emails`],
      );
      expect(rows).toEqual([
        { attname: "body", attcompression: "l" },
        { attname: "html", attcompression: "l" },
      ]);
      await pool.end();
    });

    it("quotes an unusual schema name and keeps its tables inside it", async () => {
      const name = schema(` "odd"; name`);
      const store = postgresStore(TEST_DATABASE_URL, { schema: name, migrate: true });
      const { campaign } = await seedCampaign(store, { leads: 2 });
      expect((await store.getCounters(campaign.id)).leadsCount).toBe(2);
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL });
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1", [
        name,
      ]);
      expect(rows[0].n).toBe(15); // 14 tables and cadenza_migrations
      await pool.end();
      expect(await store.audit()).toEqual([]);
      await store.close();
    });

    it("runs the audit's section 8 queries verbatim with search_path set to the schema", async () => {
      const name = schema();
      const store = postgresStore(TEST_DATABASE_URL, { schema: name, migrate: true });
      await seedCampaign(store, { leads: 3 });
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`SET search_path TO ${quoteIdent(name)}`);
      for (const q of AUDIT_QUERIES) expect((await client.query(q.sql)).rows, q.check).toEqual([]);
      await client.end();
    });

    it("borrows a host's pool without ending it", async () => {
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
      const store = postgresStore(pool, { schema: schema(), migrate: true });
      expect(await store.listCampaigns()).toEqual([]);
      await store.close();
      expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await pool.end();
    });

    it("reports a server it cannot reach as STORE_UNAVAILABLE", async () => {
      const store = postgresStore("postgres://postgres@127.0.0.1:1/test", { schema: "cadenza" });
      const error = await store.listCampaigns().catch((e: unknown) => e);
      expect(isCadenzaError(error, "STORE_UNAVAILABLE")).toBe(true);
      await store.close();
    });
  });
} else {
  describeUnreachable("postgresStore schema");
}
