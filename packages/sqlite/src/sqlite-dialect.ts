import type { JsonRowType, SqlDialect } from "@cadenza/sql";
import { sql } from "kysely";
import { mapSqliteError } from "./sqlite-errors.js";
import { SQLITE_MIGRATIONS, SQLITE_MIGRATIONS_TABLE } from "./sqlite-migrations.js";
import { sqliteValues } from "./sqlite-values.js";
import { withWriteLock } from "./sqlite-write-lock.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The SQLite side of the shared store. Every write transaction is `BEGIN IMMEDIATE`: it takes the
 * file's write lock up front (waiting up to `busy_timeout` for another process), so a transaction
 * that reads then writes never fails half-way on a lock upgrade, and no row locks are needed.
 *
 * @param file where the database lives, for messages
 * @param lockKey identifies the file among this process's connections (its absolute path)
 */
export function sqliteDialect(file: string, lockKey: string): SqlDialect {
  return {
    name: "sqlite",
    location: file,
    values: sqliteValues,
    migrations: SQLITE_MIGRATIONS,
    migrationsTable: SQLITE_MIGRATIONS_TABLE,

    transaction: (db, fn) =>
      withWriteLock(lockKey, () =>
        db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          let result: Awaited<ReturnType<typeof fn>>;
          try {
            result = await fn(conn);
          } catch (error) {
            // SQLite may already have rolled back (e.g. SQLITE_FULL); the original error is the one to report.
            await sql`rollback`.execute(conn).catch(() => undefined);
            throw error;
          }
          await sql`commit`.execute(conn);
          return result;
        }),
      ),

    lockRows: (query) => query,

    jsonRows: (rows, columns) => {
      const selected = Object.entries(columns as Record<string, JsonRowType>).map(([name]) => {
        if (!IDENTIFIER.test(name)) throw new Error(`Bad column name ${name}`);
        return `json_extract(value, '$.${name}') as ${name}`;
      });
      return sql`(select ${sql.raw(selected.join(", "))} from json_each(${JSON.stringify(rows)}))`;
    },

    async writeTogether(db, writes) {
      for (const w of writes) await db.executeQuery(w.compile());
    },

    tagsMatch: (column, tags, mode) => {
      const unique = [...new Set(tags)];
      return mode === "any"
        ? sql<boolean>`exists (select 1 from json_each(${column}) where value in (${sql.join(unique)}))`
        : sql<boolean>`(select count(distinct value) from json_each(${column}) where value in (${sql.join(unique)})) = ${unique.length}`;
    },

    table: (name) => sql.table(name),
    isId: () => true,
    mapError: (error) => mapSqliteError(error, file),
    // Each migration's BEGIN IMMEDIATE serializes migrators; the runner re-checks the version inside it.
    withMigrationLock: (db, fn) => fn(db),
  };
}
