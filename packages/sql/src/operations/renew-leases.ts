import type { LeaseRenewal } from "@cadenza/core";
import type { SqlContext } from "../sql-context.js";

/**
 * Extends the leases still held under the renewal's token, expired or not (a lease no claim replaced
 * has had no other writer), in one statement; returns the ids extended. The ids go in sorted, the
 * order every other statement locks leads in.
 */
export async function renewLeases({ db, dialect }: SqlContext, renewal: LeaseRenewal): Promise<string[]> {
  const ids = renewal.leadIds.filter((id) => dialect.isId(id)).sort();
  if (ids.length === 0) return [];
  const rows = await dialect.transaction(db, (trx) =>
    trx
      .updateTable("campaign_leads")
      .set({ lease_expires_at: dialect.values.time(renewal.leaseExpiresAt) })
      .where("lease_token", "=", renewal.leaseToken)
      .where("id", "in", ids)
      .returning("id")
      .execute(),
  );
  return rows.map((r) => String(r.id));
}
