import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

const reachable = await postgresReachable();

if (!reachable) describeUnreachable("postgres reconnects");
else
  describe("a store on its own pool", () => {
    const schema = testSchemaName();
    afterAll(() => dropSchema(schema));

    it("survives the server dropping its idle connections, and reconnects on the next query", async () => {
      const broken: Error[] = [];
      const applicationName = `cadenza-reconnect-${schema}`;
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set("application_name", applicationName);
      const store = postgresStore(url.toString(), {
        schema,
        migrate: true,
        onIdleConnectionError: (e) => broken.push(e),
      });
      try {
        expect(await store.listCampaigns()).toEqual([]);
        // What a server restart does to idle connections, without restarting the shared server.
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        const { rows } = await admin.query(
          "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) t",
          [applicationName],
        );
        await admin.end();
        expect(rows[0].n).toBeGreaterThan(0);
        for (let i = 0; i < 50 && broken.length === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(broken.length).toBeGreaterThan(0);
        expect(await store.listCampaigns()).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
