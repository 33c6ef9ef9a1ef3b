import { runStoreConformanceSuite } from "@cadenza/core/testing/conformance";
import type { SqlStore } from "@cadenza/sql";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

if (await postgresReachable()) {
  runStoreConformanceSuite({
    name: "postgres",
    async createStore() {
      const schema = testSchemaName();
      const open = () => postgresStore(TEST_DATABASE_URL, { schema, migrate: true, maxConnections: 4 });
      const stores: SqlStore[] = [open()];
      return {
        store: stores[0]!,
        async another() {
          const store = open();
          stores.push(store);
          return store;
        },
        async cleanup() {
          for (const s of stores) await s.close();
          await dropSchema(schema);
        },
      };
    },
  });
} else {
  describeUnreachable("store conformance: postgres");
}
