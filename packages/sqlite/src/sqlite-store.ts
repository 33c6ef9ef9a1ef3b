import { resolve } from "node:path";
import { CadenzaError } from "@cadenza/core";
import { type CadenzaDatabase, createSqlStore, type SqlStore } from "@cadenza/sql";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { SqliteDatabaseLike } from "./sqlite-database-like.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import { mapSqliteError } from "./sqlite-errors.js";
import { cachingPrepare } from "./sqlite-statement-cache.js";

/** Options of `sqliteStore`. */
export interface SqliteStoreOptions {
  /** Apply pending migrations on first use (default false: call `store.migrate()` yourself). */
  migrate?: boolean;
  /** How long a writer waits for another process's write lock before STORE_BUSY, in ms (default 5000). */
  busyTimeoutMs?: number;
}

let anonymous = 0;

/**
 * A Cadenza store in one SQLite file, over better-sqlite3. Pass a path (the store opens and closes
 * the file) or an open `Database` (the store sets its pragmas and leaves closing it to you). The
 * connection runs in WAL mode with `busy_timeout`, foreign keys on and `synchronous = NORMAL`.
 *
 * ```ts
 * import { sqliteStore } from "@cadenza/sqlite";
 *
 * const store = sqliteStore("cadenza.db");
 * await store.migrate();
 * ```
 */
export function sqliteStore(db: SqliteDatabaseLike | string, options: SqliteStoreOptions = {}): SqlStore {
  const owned = typeof db === "string";
  const file = owned ? db : db.name || ":memory:";
  const database = open(db, file);
  const inMemory = database.memory || file === ":memory:" || file === "";
  const lockKey = inMemory ? `memory:${++anonymous}` : resolve(file);
  try {
    if (!inMemory) database.pragma("journal_mode = WAL");
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    database.pragma("foreign_keys = ON");
    database.pragma("synchronous = NORMAL");
  } catch (error) {
    if (owned) database.close();
    throw mapSqliteError(error, file);
  }
  // Kysely closes the database it was given on destroy; a host's database is theirs to close.
  const handle: SqliteDatabaseLike = {
    name: database.name,
    memory: database.memory,
    pragma: (source, o) => database.pragma(source, o),
    prepare: cachingPrepare((source) => database.prepare(source)),
    close: owned ? () => database.close() : () => undefined,
  };
  const kysely = new Kysely<CadenzaDatabase>({ dialect: new SqliteDialect({ database: handle }) });
  return createSqlStore({
    db: kysely,
    dialect: sqliteDialect(file, lockKey),
    migrate: options.migrate ?? false,
    close: () => kysely.destroy(),
  });
}

function open(db: SqliteDatabaseLike | string, file: string): SqliteDatabaseLike {
  if (typeof db !== "string") return db;
  try {
    return new Database(db) as unknown as SqliteDatabaseLike;
  } catch (error) {
    const mapped = mapSqliteError(error, file);
    throw mapped instanceof CadenzaError
      ? mapped
      : new CadenzaError("STORE_ERROR", { message: `Cannot open the SQLite database ${file}`, cause: error });
  }
}
