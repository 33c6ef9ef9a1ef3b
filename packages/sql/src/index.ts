export { AUDIT_QUERIES } from "./audit/audit-queries.js";
export { STORE_CHECKS } from "./audit/store-checks.js";
export type * from "./database.js";
export type { MigrateResult } from "./migrate/migrate.js";
export type { Migration } from "./migrate/migration.js";
export type { JsonRowType, LockMode, SqlDialect, SqlValues, TransactionOptions } from "./sql-dialect.js";
export { createSqlStore, type SqlEnrollRequest, type SqlStore, type SqlStoreConfig } from "./sql-store.js";
