import { resolve } from "node:path";
import { CadenzaError } from "@cadenza/core";
import { type CadenzaDatabase, createSqlStore, type SqlStore } from "@cadenza/sql";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import {
  backgroundCheckpointer,
  type SqliteCheckpointStats,
  type SqliteCheckpoints,
} from "./sqlite-checkpointer.js";
import type { SqliteDatabaseLike } from "./sqlite-database-like.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import { mapSqliteError } from "./sqlite-errors.js";
import { cachingPrepare } from "./sqlite-statement-cache.js";
import { threadStore } from "./sqlite-thread-store.js";

/** Options of `sqliteStore`. */
export interface SqliteStoreOptions {
  /** Apply pending migrations on first use (default false: call `store.migrate()` yourself). */
  migrate?: boolean;
  /** How long a writer waits for another process's write lock before STORE_BUSY, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Where the write-ahead log is checkpointed into the database file (default `background`): in a
   * worker thread with its own connection, started once the store has committed 64 transactions, so
   * the event loop never waits for a checkpoint's page copies and `fsync`s; or `inline`, in the commit
   * that takes the log past 1 000 pages, as SQLite does by default.
   */
  checkpoints?: SqliteCheckpoints;
  /**
   * Run the store's connection in a worker thread (default false). better-sqlite3 runs each
   * statement synchronously, so a store on the host's thread holds its event loop for as long as a
   * transaction takes (a batch of sends, an enrollment of 100 000 prospects); in a thread, those
   * statements run beside the host's work and each method resolves when the thread answers. Needs a
   * file path (a `Database` object cannot move to another thread).
   */
  thread?: boolean;
}

/** The SQLite store: the SQL store's methods, plus what its checkpoints have done. */
export interface SqliteStore extends SqlStore {
  /** Whether the checkpoint thread runs, how many checkpoints it ran, and why it stopped if it failed. */
  checkpoints(): SqliteCheckpointStats;
}

let anonymous = 0;

/**
 * A Cadenza store in one SQLite file, over better-sqlite3. Pass a path (the store opens and closes
 * the file) or an open `Database` (the store sets its pragmas and leaves closing it to you). The
 * connection runs in WAL mode with `busy_timeout`, foreign keys on and `synchronous = NORMAL`; once
 * the store has written a while, a worker thread checkpoints the log (see `checkpoints`).
 *
 * ```ts
 * import { sqliteStore } from "@cadenza/sqlite";
 *
 * const store = sqliteStore("cadenza.db");
 * await store.migrate();
 * ```
 */
export function sqliteStore(db: SqliteDatabaseLike | string, options: SqliteStoreOptions = {}): SqliteStore {
  const { thread = false, ...rest } = options;
  const checkpoints = options.checkpoints ?? "background";
  if (checkpoints !== "background" && checkpoints !== "inline") {
    throw invalidOption(
      "checkpoints",
      `checkpoints must be "background" or "inline", not ${JSON.stringify(checkpoints)}`,
      'Expected "background" or "inline"',
      "invalid_value",
    );
  }
  if (thread !== false && thread !== true) {
    throw invalidOption(
      "thread",
      `thread must be true or false, not ${JSON.stringify(thread)}`,
      "Expected a boolean",
      "invalid_type",
    );
  }
  if (thread) {
    if (typeof db !== "string") {
      throw invalidOption(
        "thread",
        "A store with thread: true opens its own connection: pass the file path, not a Database",
        "Needs a file path, not a Database object",
        "custom",
      );
    }
    return threadStore(db, rest);
  }
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
  const checkpointer =
    inMemory || checkpoints === "inline"
      ? null
      : backgroundCheckpointer(lockKey, (pages) => database.pragma(`wal_autocheckpoint = ${pages}`));
  const store = createSqlStore({
    db: kysely,
    dialect: sqliteDialect(file, lockKey, checkpointer ? () => checkpointer.committed() : undefined),
    migrate: options.migrate ?? false,
    // The thread's connection closes first, so the last one to close (the store's, or the host's)
    // checkpoints what is left and removes the log.
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  });
  return {
    ...store,
    checkpoints: () => checkpointer?.stats() ?? { mode: "inline", runs: 0 },
  };
}

/** A VALIDATION error naming one option of `sqliteStore`, thrown before anything is opened. */
function invalidOption(option: string, message: string, issue: string, code: string): CadenzaError {
  return new CadenzaError("VALIDATION", { message, issues: [{ path: [option], message: issue, code }] });
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
