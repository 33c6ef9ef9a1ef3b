import type { SqlStore } from "@cadenza/sql";
import { runSqlStoreSuite } from "@cadenza/sql/testing";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  runSql,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

if (await postgresReachable()) {
  runSqlStoreSuite({
    name: "postgres",
    async createHarness() {
      const schema = testSchemaName();
      const stores: SqlStore[] = [];
      const open = async () => {
        const store = postgresStore(TEST_DATABASE_URL, { schema, maxConnections: 4 });
        stores.push(store);
        return store;
      };
      const store = await open();
      await store.migrate();
      return {
        store,
        open,
        execute: (statement) => runSql(schema, statement),
        async cleanup() {
          for (const s of stores) await s.close();
          await dropSchema(schema);
        },
      };
    },
  });
} else {
  describeUnreachable("postgres SQL store");
}
