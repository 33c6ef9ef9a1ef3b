import type { JsonRowType, SqlDialect } from "@cadenza/sql";
import { sql } from "kysely";
import { isRetryablePostgresError, mapPostgresError } from "./postgres-errors.js";
import { POSTGRES_MIGRATIONS, POSTGRES_MIGRATIONS_TABLE } from "./postgres-migrations.js";
import { postgresValues } from "./postgres-values.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// The array each column of a row batch travels in. A `text[]` value travels as its array literal
// (`{"a","b"}`, one text element per row) and is cast back: Postgres has no arrays of arrays.
const ARRAY_TYPES: Record<JsonRowType, string> = {
  id: "uuid[]",
  text: "text[]",
  int: "integer[]",
  real: "double precision[]",
  time: "timestamptz[]",
  bool: "boolean[]",
  json: "jsonb[]",
  "text[]": "text[]",
};
// Deadlocks are rare (every batch takes its locks in key order) but possible between the store and a
// host's own queries; a transaction that lost one runs again from the start.
const ATTEMPTS = 4;

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * One column of a row batch as a Postgres array literal: every value quoted (`"` and `\` escaped),
 * `undefined` and `null` as NULL. It is the text pg would send for a JS array, built in one pass
 * instead of pg's per-element conversion.
 */
function arrayLiteral(rows: readonly object[], name: string, type: JsonRowType): string {
  let out = "{";
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ",";
    const value = (rows[i] as Record<string, unknown>)[name];
    if (value === undefined || value === null) {
      out += "NULL";
      continue;
    }
    const text = elementText(value, type);
    out += `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, "\\$&") : text}"`;
  }
  return `${out}}`;
}

/**
 * Longer text travels as one parameter per row (a body of a few kilobytes is not worth escaping
 * into a literal), in batches small enough to stay far below Postgres's 65 535 parameters.
 */
const LONG_TEXT = 512;
const MAX_ROWS_AS_PARAMETERS = 1_000;

function hasLongText(rows: readonly object[], name: string): boolean {
  if (rows.length === 0 || rows.length > MAX_ROWS_AS_PARAMETERS) return false;
  for (const row of rows) {
    const value = (row as Record<string, unknown>)[name];
    if (typeof value === "string" && value.length > LONG_TEXT) return true;
  }
  return false;
}

function elementText(value: unknown, type: JsonRowType): string {
  if (type === "json") return JSON.stringify(value);
  if (type === "text[]") return textArrayLiteral(value as readonly string[]);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A Postgres array literal of strings: each element quoted, `"` and `\` escaped. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(ESCAPED, "\\$&")}"`).join(",")}}`;
}

/**
 * The Postgres side of the shared store: READ COMMITTED transactions with row locks
 * (`FOR UPDATE`, and `SKIP LOCKED` when claiming, so workers never wait on each other's leads),
 * literal row batches as one typed array per column (`unnest`), and an advisory lock around migrations.
 */
export function postgresDialect(schema: string): SqlDialect {
  const location = `schema "${schema}"`;
  const migrationLock = `cadenza.migrate:${schema}`;
  return {
    name: "postgres",
    location,
    values: postgresValues,
    migrations: POSTGRES_MIGRATIONS,
    migrationsTable: POSTGRES_MIGRATIONS_TABLE,
    // Large values are TOASTed: an outcome update copies a pointer, not the body.
    emailBodies: "inline",
    writableCtes: true,

    async transaction(db, fn, options) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            if (options?.tableScope) await sql`set local search_path to ${sql.id(schema)}`.execute(trx);
            return fn(trx);
          });
        } catch (error) {
          if (attempt >= ATTEMPTS || !isRetryablePostgresError(error)) throw error;
        }
      }
    },

    // `FOR UPDATE OF` is written raw: Kysely's `forUpdate(of)` loses the table under `withSchema`.
    lockRows: (query, mode, of) =>
      of === undefined
        ? mode === "skip"
          ? query.forUpdate().skipLocked()
          : query.forUpdate()
        : query.modifyEnd(sql`for update of ${sql.id(of)}${sql.raw(mode === "skip" ? " skip locked" : "")}`),

    jsonRows: (rows, columns) => {
      const names = Object.keys(columns as Record<string, JsonRowType>);
      for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`Bad column name ${name}`);
      // One typed array per column, unnested: Postgres parses each value once, as its own type,
      // where a JSON document of the rows would be parsed whole and then again per field.
      const arrays = names.map((name) => {
        const type = (columns as Record<string, JsonRowType>)[name]!;
        if (type === "text" && hasLongText(rows, name)) {
          // Rendered bodies: one parameter per row, sent as they are, instead of escaped into a literal.
          const each = rows.map((row) => sql`${(row as Record<string, unknown>)[name] ?? null}`);
          return sql`array[${sql.join(each)}]::text[]`;
        }
        return sql`${arrayLiteral(rows, name, type)}::${sql.raw(ARRAY_TYPES[type])}`;
      });
      const selected = names.map((name) => {
        const type = (columns as Record<string, JsonRowType>)[name]!;
        return type === "text[]" ? `r.${name}::text[] as ${name}` : `r.${name}`;
      });
      return sql`(select ${sql.raw(selected.join(", "))} from unnest(${sql.join(arrays)}) as r(${sql.raw(names.join(", "))}))`;
    },

    async writeTogether(db, writes) {
      if (writes.length === 0) return;
      if (writes.length === 1) {
        await db.executeQuery(writes[0]!.compile());
        return;
      }
      const parts = writes.map((w, i) => sql`${sql.id(`w${i}`)} as (${w})`);
      await sql`with ${sql.join(parts)} select 1`.execute(db);
    },

    tagsMatch: (column, tags, mode) =>
      mode === "any"
        ? sql<boolean>`${column} && ${[...tags]}::text[]`
        : sql<boolean>`${column} @> ${[...tags]}::text[]`,

    table: (name) => sql.id(schema, name),
    async analyze(db, table) {
      await sql`analyze (skip_locked) ${sql.id(schema, table)}`.execute(db);
    },
    isId: (value) => UUID.test(value),
    mapError: (error) => mapPostgresError(error, location),

    // A session advisory lock on one connection: two processes starting at once migrate once.
    withMigrationLock: (db, fn) =>
      db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(hashtext(${migrationLock}))`.execute(conn);
        try {
          const exists = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(conn);
          if (exists.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(conn);
          return await fn(conn);
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${migrationLock}))`.execute(conn);
        }
      }),
  };
}
