import { postgresStore } from "@cadenza/postgres";
import { type SqlStore, sqliteStore } from "@cadenza/sqlite";
import pg from "pg";
import type { StoreTarget } from "../worker/worker-config.js";

/**
 * Opens the store a target names. With `pool: "host"` the pool is the caller's, and `onPoolError`
 * hears what its connections report when the server ends them (a restart ends them all at once):
 * pg emits those as `error` events, on the pool for idle connections and on the client for
 * checked-out ones, and an `error` event nobody listens to ends the process.
 */
export function openStore(
  target: StoreTarget,
  onPoolError: (error: Error) => void = () => undefined,
): SqlStore {
  if (target.kind === "sqlite") return sqliteStore(target.file, { busyTimeoutMs: 20_000 });
  if (target.pool === "store") return postgresStore(target.url, { schema: target.schema, maxConnections: 4 });
  const pool = new pg.Pool({ connectionString: target.url, max: 4, connectionTimeoutMillis: 5000 });
  pool.on("error", onPoolError);
  pool.on("connect", (client) => client.on("error", onPoolError));
  const store = postgresStore(pool, { schema: target.schema });
  return {
    ...store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
