export type { MigrateResult, SqlStore } from "@cadenza/sql";
export type { PgPoolLike } from "./postgres-pool-like.js";
export { type PostgresStoreOptions, postgresStore } from "./postgres-store.js";
