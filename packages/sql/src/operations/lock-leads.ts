import type { LeadStatus } from "@cadenza/core";
import { sql } from "kysely";
import type { SqlContext } from "../sql-context.js";

/** What a batch write needs to know about a lead it is about to change. */
export interface LockedLead {
  id: string;
  campaignId: string;
  prospectId: string;
  status: LeadStatus;
  version: number;
  leaseToken: string | null;
  leaseExpiresAt: unknown;
}

/**
 * Reads and locks (Postgres: `FOR UPDATE`, in id order so concurrent batches never deadlock) the
 * leads a batch writes, inside the caller's transaction. Unknown and malformed ids are left out.
 */
export async function lockLeads(
  { db, dialect }: SqlContext,
  ids: Iterable<string>,
): Promise<Map<string, LockedLead>> {
  const wanted = [...new Set(ids)].filter((id) => dialect.isId(id)).sort();
  if (wanted.length === 0) return new Map();
  const query = db
    .selectFrom("campaign_leads as l")
    .select([
      "l.id",
      "l.campaign_id",
      "l.prospect_id",
      "l.status",
      "l.version",
      "l.lease_token",
      "l.lease_expires_at",
    ])
    .where(
      sql<boolean>`l.id in (select id from ${dialect.jsonRows(
        wanted.map((id) => ({ id })),
        { id: "id" },
      )} as w)`,
    )
    .orderBy("l.id");
  const rows = await dialect.lockRows(query, "wait").execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        campaignId: r.campaign_id,
        prospectId: r.prospect_id,
        status: r.status as LeadStatus,
        version: r.version,
        leaseToken: r.lease_token,
        leaseExpiresAt: r.lease_expires_at,
      },
    ]),
  );
}
