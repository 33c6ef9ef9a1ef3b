import { prospects, T0 } from "@cadenza/sql/testing";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  quoteIdent,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

if (!(await postgresReachable())) describeUnreachable("prepared statements");
else
  describe("prepared statements", () => {
    const schemas: string[] = [];
    let pool: pg.Pool;
    let schema: string;
    afterAll(async () => {
      for (const s of schemas) await dropSchema(s);
    });
    beforeEach(() => {
      schema = testSchemaName();
      schemas.push(schema);
      // One connection: the store's statements and the test's look at the same session.
      pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    });
    afterEach(() => pool.end());

    const preparedNames = async () =>
      (await pool.query<{ name: string }>("select name from pg_prepared_statements order by name")).rows.map(
        (r) => r.name,
      );

    it("prepares a statement on its second run, named by its text", async () => {
      const store = postgresStore(pool, { schema, migrate: true });
      const [p] = await store.upsertProspects(prospects(1, "a"), T0);
      const before = await preparedNames();
      await store.getProspects([p!.id]);
      expect(await preparedNames()).toEqual(before);
      await store.getProspects([p!.id]);
      const after = await preparedNames();
      const added = after.filter((n) => !before.includes(n));
      expect(added).toHaveLength(1);
      expect(added[0]).toMatch(/^cadenza_[\w-]{27}$/);
      // The same text from another store (as another process would send it) has the same name.
      const other = postgresStore(pool, { schema });
      await other.getProspects([p!.id]);
      await other.getProspects([p!.id]);
      expect(await preparedNames()).toEqual(after);
      await store.close();
      await other.close();
    });

    it("prepares nothing with prepareStatements: false", async () => {
      const store = postgresStore(pool, { schema, migrate: true, prepareStatements: false });
      const [p] = await store.upsertProspects(prospects(1, "b"), T0);
      for (let i = 0; i < 3; i++) await store.getProspects([p!.id]);
      expect((await preparedNames()).filter((n) => n.startsWith("cadenza_"))).toEqual([]);
      await store.close();
    });

    it("runs a statement again unnamed when a migration changed the table it reads", async () => {
      const store = postgresStore(pool, { schema, migrate: true });
      const [p] = await store.upsertProspects(prospects(1, "c"), T0);
      await store.getProspects([p!.id]);
      await store.getProspects([p!.id]);
      await pool.query(`alter table ${quoteIdent(schema)}.prospects add column added_later integer`);
      const [read] = await store.getProspects([p!.id]);
      expect(read?.email).toBe(p!.email);
      const again = await store.getProspects([p!.id]);
      expect(again.map((r) => r.id)).toEqual([p!.id]);
      await store.close();
    });

    it("stops preparing when the server lost its statements, and the transaction runs again", async () => {
      const store = postgresStore(pool, { schema, migrate: true });
      const batch = (prefix: string) => prospects(1, prefix);
      await store.upsertProspects(batch("d"), T0);
      await store.upsertProspects(batch("e"), T0);
      expect((await preparedNames()).length).toBeGreaterThan(0);
      // What a pooler in transaction mode (or a reset session) does: the names are gone.
      await pool.query("deallocate all");
      const [written] = await store.upsertProspects(batch("f"), T0);
      expect((await store.getProspects([written!.id])).map((r) => r.email)).toEqual([written!.email]);
      for (let i = 0; i < 3; i++) await store.upsertProspects(batch(`g${i}`), T0);
      expect(await preparedNames()).toEqual([]);
      await store.close();
    });
  });
