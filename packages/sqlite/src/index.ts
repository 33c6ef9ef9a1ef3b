export type { MigrateResult, SqlStore } from "@cadenza/sql";
export type { SqliteDatabaseLike } from "./sqlite-database-like.js";
export { type SqliteStoreOptions, sqliteStore } from "./sqlite-store.js";
