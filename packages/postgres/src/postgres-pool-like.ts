import type { PostgresPool } from "kysely";

/**
 * The members of a `pg` Pool this adapter uses: `connect()` and `end()`, exactly what Kysely's
 * Postgres dialect needs. Declared here so the adapter depends on this subset, not on pg's types.
 */
export type PgPoolLike = PostgresPool;
