import type { Compilable, Kysely, RawBuilder, SelectQueryBuilder } from "kysely";
import type { CadenzaDatabase, SqlBool, SqlJson, SqlTextArray, SqlTime } from "./database.js";
import type { Migration } from "./migrate/migration.js";

/** How values of the engine's types are written for one database. Reading is shared (`read-values.ts`). */
export interface SqlValues {
  time(value: Date): SqlTime;
  bool(value: boolean): SqlBool;
  textArray(value: readonly string[]): SqlTextArray;
  json(value: unknown): SqlJson;
  /** Reads a `TEXT[]` (Postgres) or JSON text (SQLite) column. */
  readTextArray(value: unknown): string[];
  /** Reads a `JSONB` (Postgres) or JSON text (SQLite) column. */
  readJson(value: unknown): unknown;
}

/** Column types a batch of literal rows (`jsonRows`) can carry. */
export type JsonRowType = "id" | "text" | "int" | "real" | "time" | "bool" | "json" | "text[]";

/** `wait` for locked rows, or `skip` them (claiming). */
export type LockMode = "wait" | "skip";

/** How `SqlDialect.transaction` sets up a transaction. */
export interface TransactionOptions {
  /**
   * Unqualified table names in raw SQL resolve to the store's tables (Postgres: `SET LOCAL
   * search_path`). Migrations and the audit's verbatim queries need it; builder queries do not.
   */
  tableScope?: boolean;
}

/**
 * What differs between the databases the shared store runs on. `@cadenza/sqlite` and
 * `@cadenza/postgres` each implement this once; every store operation is written against it.
 */
export interface SqlDialect {
  /** `sqlite` or `postgres`. */
  readonly name: string;
  /** Where the data lives, for messages: the file, or the schema. */
  readonly location: string;
  readonly values: SqlValues;
  /** Migrations this code knows, in order. */
  readonly migrations: readonly Migration[];
  /** `CREATE TABLE IF NOT EXISTS cadenza_migrations …` in this database's types. */
  readonly migrationsTable: string;
  /**
   * Where an outbound email's rendered text and HTML go when its send begins: in its `emails` row
   * (`inline`), or in `email_bodies`, written once (`separate`). SQLite rewrites a whole row with
   * its overflow pages when an update changes its size, as the send's outcome does, so there the
   * bodies live apart; Postgres keeps large values out of line already. Reads take a body from
   * `email_bodies` when it has one, else from the row (inbound emails, and rows written before).
   */
  readonly emailBodies: "inline" | "separate";
  /**
   * One statement may insert, update and lock in several tables and return rows (Postgres:
   * data-modifying CTEs), each statement atomic on its own. Dispatch operations then take their
   * usual batch in one autocommitted statement instead of a transaction of several round trips,
   * written in Postgres SQL; where this is false they run the portable transaction.
   */
  readonly writableCtes: boolean;

  /**
   * Runs `fn` in one write transaction. SQLite: `BEGIN IMMEDIATE` (one writer holds the file);
   * Postgres: READ COMMITTED, retried on deadlock.
   */
  transaction<T>(
    db: Kysely<CadenzaDatabase>,
    fn: (trx: Kysely<CadenzaDatabase>) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /**
   * Locks the selected rows until the transaction ends: `FOR UPDATE` (`wait`) or
   * `FOR UPDATE SKIP LOCKED` (`skip`) on Postgres; nothing on SQLite, whose writer holds the file.
   * `of` names the table whose rows are locked when the query joins others (`FOR UPDATE OF l`).
   */
  lockRows<DB, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
    mode: LockMode,
    of?: TB & string,
  ): SelectQueryBuilder<DB, TB, O>;
  /**
   * A parenthesized subquery yielding `rows` as a table with the given typed columns, so a batch is
   * one statement (`UPDATE … FROM`, joins). Alias it with `.as("v")`.
   */
  jsonRows<R extends Record<string, unknown>>(
    rows: readonly R[],
    columns: { [K in keyof R & string]: JsonRowType },
  ): RawBuilder<R>;
  /**
   * Runs write statements that return nothing, in one round trip where the database allows it
   * (Postgres: one statement of data-modifying CTEs, all applied or none), else one by one in order.
   */
  writeTogether(db: Kysely<CadenzaDatabase>, writes: readonly Compilable[]): Promise<void>;
  /** True when the array column holds every (`all`) or one (`any`) of `tags`. */
  tagsMatch(column: RawBuilder<unknown>, tags: readonly string[], mode: "all" | "any"): RawBuilder<boolean>;
  /**
   * A table reference for raw SQL fragments, qualified with the store's schema where there is one
   * (query-builder tables are qualified by Kysely's `withSchema`; raw fragments are not).
   */
  table(name: keyof CadenzaDatabase & string): RawBuilder<unknown>;
  /** True when `value` can be a record id in this database (Postgres: UUID syntax). */
  isId(value: string): boolean;
  /**
   * Refreshes the planner's statistics of a table after a bulk insert (Postgres: `ANALYZE`, skipped
   * when autovacuum is at the table), so the next queries are planned for the rows just added. Left
   * out where the planner does without (SQLite).
   */
  analyze?(db: Kysely<CadenzaDatabase>, table: keyof CadenzaDatabase & string): Promise<void>;
  /** Maps a driver error to a CadenzaError (unique violation → CONFLICT, …), or returns it unchanged. */
  mapError(error: unknown): Error;
  /** Serializes migrators (Postgres: advisory lock; SQLite: the write lock) around `fn`. */
  withMigrationLock<T>(
    db: Kysely<CadenzaDatabase>,
    fn: (db: Kysely<CadenzaDatabase>) => Promise<T>,
  ): Promise<T>;
}
