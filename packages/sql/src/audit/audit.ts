import type { AuditFinding } from "@cadenza/core";
import { type Kysely, sql } from "kysely";
import type { CadenzaDatabase } from "../database.js";
import type { SqlDialect } from "../sql-dialect.js";
import { AUDIT_QUERIES } from "./audit-queries.js";
import { STORE_CHECKS } from "./store-checks.js";

/**
 * Runs the audit's section 8 checks (verbatim) and the store's own invariant checks in one
 * consistent snapshot; returns the failing ones (empty when the data is healthy).
 */
export async function audit(
  db: Kysely<CadenzaDatabase>,
  dialect: SqlDialect,
  now: Date = new Date(),
): Promise<AuditFinding[]> {
  return dialect.transaction(
    db,
    async (trx) => {
      const findings: AuditFinding[] = [];
      for (const q of AUDIT_QUERIES) {
        const { rows } = await sql.raw<Record<string, unknown>>(q.sql).execute(trx);
        if (rows.length > 0)
          findings.push({ check: q.check, description: q.description, rows: rows.map(plainRow) });
      }
      for (const q of STORE_CHECKS) {
        const [before, ...after] = q.sql.split(":now");
        const parts = [
          sql.raw(before ?? ""),
          ...after.flatMap((text) => [sql`${dialect.values.time(now)}`, sql.raw(text)]),
        ];
        const { rows } = await sql<Record<string, unknown>>`${sql.join(parts, sql``)}`.execute(trx);
        if (rows.length > 0)
          findings.push({ check: q.check, description: q.description, rows: rows.map(plainRow) });
      }
      return findings;
    },
    { tableScope: true },
  );
}

// Postgres returns COUNT(*) and other bigint results as strings; a report reads better with numbers.
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === "string" && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
    ]),
  );
}
