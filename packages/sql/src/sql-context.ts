import type { Kysely } from "kysely";
import type { CadenzaDatabase } from "./database.js";
import type { SqlDialect } from "./sql-dialect.js";

/** What every store operation runs against: a Kysely instance (or transaction) and its dialect. */
export interface SqlContext {
  db: Kysely<CadenzaDatabase>;
  dialect: SqlDialect;
}

/** Runs `fn` in one write transaction of the context's dialect. */
export function inTransaction<T>(ctx: SqlContext, fn: (trx: SqlContext) => Promise<T>): Promise<T> {
  return ctx.dialect.transaction(ctx.db, (db) => fn({ db, dialect: ctx.dialect }));
}
