import type { SqliteDatabase } from "kysely";

/**
 * The members of a better-sqlite3 `Database` this adapter uses: what Kysely's dialect needs
 * (`prepare`, `close`), plus `pragma` for the connection settings and `name`/`memory` to tell which
 * file it is. Declared here so the adapter depends on this subset, not on better-sqlite3's types.
 */
export interface SqliteDatabaseLike extends SqliteDatabase {
  /** The file the database was opened with (`:memory:` or `""` for in-memory and temporary ones). */
  readonly name: string;
  /** True for an in-memory database. */
  readonly memory: boolean;
  /** Runs a PRAGMA; with `{ simple: true }` returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
}
