import type { JsonRowType, SqlDialect } from "@cadenza/sql";
import { sql } from "kysely";
import { mapSqliteError } from "./sqlite-errors.js";
import { SQLITE_MIGRATIONS, SQLITE_MIGRATIONS_TABLE } from "./sqlite-migrations.js";
import { sqliteValues } from "./sqlite-values.js";
import { withWriteLock } from "./sqlite-write-lock.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// Row batches bind one parameter per value up to this many (SQLite allows 32766); larger ones travel as JSON.
const MAX_PARAMETERS = 30_000;

/** A value as `json_extract` reads it from a JSON row: objects and arrays as JSON text, booleans as 0/1. */
function boundValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/** The fragments of `(select column1 as a, … from (values (?, …), …))`, by column names and row count. */
const fragmentsByShape = new Map<string, TemplateStringsArray>();
const SHAPES = 64;

function valuesFragments(names: string[], rowCount: number): TemplateStringsArray {
  const key = `${names.join(",")}/${rowCount}`;
  const known = fragmentsByShape.get(key);
  if (known) return known;
  const selected = names.map((name, i) => `column${i + 1} as ${name}`).join(", ");
  const fragments: string[] = [`(select ${selected} from (values (`];
  for (let row = 0; row < rowCount; row++) {
    for (let column = 1; column < names.length; column++) fragments.push(", ");
    fragments.push(row < rowCount - 1 ? "), (" : ")))");
  }
  // Batches come in a few sizes; past 64 shapes, the oldest is forgotten.
  if (fragmentsByShape.size >= SHAPES)
    fragmentsByShape.delete(fragmentsByShape.keys().next().value as string);
  // Kysely reads only the fragments, never `raw`.
  const frozen = Object.freeze(fragments) as unknown as TemplateStringsArray;
  fragmentsByShape.set(key, frozen);
  return frozen;
}

/**
 * The SQLite side of the shared store. Every write transaction is `BEGIN IMMEDIATE`: it takes the
 * file's write lock up front (waiting up to `busy_timeout` for another process), so a transaction
 * that reads then writes never fails half-way on a lock upgrade, and no row locks are needed.
 *
 * @param file where the database lives, for messages
 * @param lockKey identifies the file among this process's connections (its absolute path)
 * @param onCommit called after each write transaction commits (the checkpoint thread wakes on it)
 */
export function sqliteDialect(file: string, lockKey: string, onCommit?: () => void): SqlDialect {
  return {
    name: "sqlite",
    location: file,
    values: sqliteValues,
    migrations: SQLITE_MIGRATIONS,
    migrationsTable: SQLITE_MIGRATIONS_TABLE,
    emailBodies: "separate",
    writableCtes: false,

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
          onCommit?.();
          return result;
        }),
      ),

    lockRows: (query) => query,

    jsonRows: (rows, columns) => {
      const names = Object.keys(columns as Record<string, JsonRowType>);
      for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`Bad column name ${name}`);
      if (rows.length === 0 || rows.length * names.length > MAX_PARAMETERS) {
        const selected = names.map((name) => `json_extract(value, '$.${name}') as ${name}`);
        return sql`(select ${sql.raw(selected.join(", "))} from json_each(${JSON.stringify(rows)}))`;
      }
      // Bound parameters, one per value: SQLite reads each once, where `json_extract` would parse
      // a row's JSON again for every column. One raw node holds them all, between the fragments of
      // the list's shape, so Kysely builds and compiles no node per row.
      const parameters = new Array<unknown>(rows.length * names.length);
      let at = 0;
      for (const row of rows) {
        for (const name of names) parameters[at++] = boundValue(row[name as keyof typeof row]);
      }
      return sql(valuesFragments(names, rows.length), ...parameters);
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
