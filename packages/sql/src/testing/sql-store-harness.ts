import type { SqlStore } from "../sql-store.js";

/** What an adapter's test file hands the shared SQL store suite. */
export interface SqlStoreHarness {
  /** A migrated store over a fresh, empty database that only this suite uses. */
  store: SqlStore;
  /** Another store (its own connection) over the same database, as a second process would have. */
  open(): Promise<SqlStore>;
  /** Runs raw SQL (unqualified table names resolve to the store's tables). */
  execute(statement: string): Promise<void>;
  /** Drops the database and closes every store opened. */
  cleanup(): Promise<void>;
}

/** Options of `runSqlStoreSuite`. */
export interface SqlStoreSuiteOptions {
  /** Names the describe block (`sqlite`, `postgres`). */
  name: string;
  /** Builds a harness; called once per test. */
  createHarness(): Promise<SqlStoreHarness>;
}
