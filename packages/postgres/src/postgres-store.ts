import { type CadenzaDatabase, createSqlStore, type SqlStore } from "@cadenza/sql";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { postgresDialect } from "./postgres-dialect.js";
import type { PgPoolLike } from "./postgres-pool-like.js";
import { preparingPool } from "./prepared-statements.js";

/** Options of `postgresStore`. */
export interface PostgresStoreOptions {
  /** The schema Cadenza's tables live in, created by `migrate()` (default `cadenza`). */
  schema?: string;
  /** Apply pending migrations on first use (default false: call `store.migrate()` yourself). */
  migrate?: boolean;
  /** Pool size when the store opens its own pool from a connection string (default 10). */
  maxConnections?: number;
  /**
   * Told when a connection of the store's own pool breaks (the server restarted or dropped it). The pool discards that connection and the next query opens a new one, so nothing is lost;
   * without a listener, `pg` would crash the process. Default: a warning on stderr.
   */
  onIdleConnectionError?: (error: Error) => void;
  /**
   * Run the statements the store repeats (its batch statements, the tracking lookup and write) as
   * named prepared statements, so Postgres plans each once per connection (default true). A pooler
   * in transaction mode that does not keep prepared statements is detected and preparing stops;
   * set false to never prepare.
   */
  prepareStatements?: boolean;
}

/**
 * A Cadenza store in a Postgres schema, over `pg`. Pass a connection string (the store opens and
 * ends its own pool) or a `pg.Pool` (the store borrows connections and leaves ending it to you).
 * Any number of processes may share one schema.
 *
 * ```ts
 * import { postgresStore } from "@cadenza/postgres";
 *
 * const store = postgresStore(process.env.DATABASE_URL!, { schema: "cadenza" });
 * await store.migrate();
 * ```
 */
export function postgresStore(pool: PgPoolLike | string, options: PostgresStoreOptions = {}): SqlStore {
  const schema = options.schema ?? "cadenza";
  const owned = typeof pool === "string";
  let connections: PgPoolLike;
  if (owned) {
    const ownPool = new pg.Pool({ connectionString: pool, max: options.maxConnections ?? 10 });
    const onBroken =
      options.onIdleConnectionError ??
      ((error: Error) =>
        console.warn(`[cadenza] a Postgres connection broke (${error.message}); it will be replaced`));
    // Idle connections report to the pool; one checked out between two queries reports to itself.
    // Either way the pool drops it (a broken client is not queryable) and the next query reconnects.
    ownPool.on("error", onBroken);
    ownPool.on("connect", (client) => client.on("error", onBroken));
    connections = ownPool;
  } else {
    // Kysely ends the pool it was given on destroy; a host's pool is theirs to end (and to watch).
    connections = { connect: () => pool.connect(), end: async () => undefined };
  }
  if (options.prepareStatements ?? true) connections = preparingPool(connections);
  const kysely = new Kysely<CadenzaDatabase>({ dialect: new PostgresDialect({ pool: connections }) });
  return createSqlStore({
    db: kysely.withSchema(schema),
    dialect: postgresDialect(schema),
    migrate: options.migrate ?? false,
    close: () => kysely.destroy(),
  });
}
