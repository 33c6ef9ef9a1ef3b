export type { MigrateResult, SqlStore } from "@cadenza/sql";
export type { SqliteCheckpointStats, SqliteCheckpoints } from "./sqlite-checkpointer.js";
export type { SqliteDatabaseLike } from "./sqlite-database-like.js";
export { type SqliteStore, type SqliteStoreOptions, sqliteStore } from "./sqlite-store.js";
