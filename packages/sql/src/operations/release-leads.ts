import type { LeadRelease } from "@cadenza/core";
import { sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { lockLeads } from "./lock-leads.js";

/**
 * Gives claimed leads back without sending, in one transaction. The quota reserved for each is given
 * back (no send happened under it, fenced or not). The rest applies only while the lead still holds
 * the lease: the lease is cleared and, if the lead is still active, its next send moved or the lead
 * paused.
 */
export function releaseLeads(ctx: SqlContext, releases: readonly LeadRelease[], now: Date): Promise<void> {
  if (releases.length === 0) return Promise.resolve();
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const locked = await lockLeads(
      trx,
      releases.map((r) => r.leadId),
    );
    const applied: LeadRelease[] = [];
    for (const release of releases) {
      const lead = locked.get(release.leadId);
      if (!lead || lead.leaseToken === null || lead.leaseToken !== release.leaseToken) continue;
      lead.leaseToken = null;
      applied.push(release);
    }
    await giveBackQuotas(
      trx,
      releases.map((r) => r.quotas),
    );
    if (applied.length === 0) return;

    const rows = dialect.jsonRows(
      applied.map((r) => ({
        id: r.leadId,
        lease_token: r.leaseToken,
        has_next: r.nextEmailAt !== undefined,
        next_email_at: r.nextEmailAt?.toISOString() ?? null,
        pause: r.pause !== undefined,
        reason: r.pause?.reason ?? null,
        changed: r.pause !== undefined || r.nextEmailAt !== undefined,
        at: now.toISOString(),
      })),
      {
        id: "id",
        lease_token: "text",
        has_next: "bool",
        next_email_at: "time",
        pause: "bool",
        reason: "text",
        changed: "bool",
        at: "time",
      },
    );
    await db
      .updateTable("campaign_leads as l")
      .from(rows.as("v"))
      .set({
        status: sql`case when l.status = 'active' and v.pause then 'paused' else l.status end`,
        last_error: sql`case when l.status = 'active' and v.pause then v.reason else l.last_error end`,
        next_email_at: sql`case
          when l.status = 'active' and v.pause then null
          when l.status = 'active' and v.has_next then v.next_email_at
          else l.next_email_at end`,
        lease_token: null,
        lease_expires_at: null,
        version: sql`case when v.changed then l.version + 1 else l.version end`,
        updated_at: sql`v.at`,
      })
      .whereRef("l.id", "=", "v.id")
      .whereRef("l.lease_token", "=", "v.lease_token")
      .execute();

    const counters = new CounterBatch();
    for (const r of applied) {
      const lead = locked.get(r.leadId);
      if (lead && r.pause && lead.status === "active")
        counters.addLeadTransition(lead.campaignId, "active", "paused");
    }
    await counters.flush(trx);
  });
}

/**
 * Takes one send per list off each quota it names (a list per release or per attempt that never
 * reached the provider), never below zero, in key order (the claim's lock order).
 */
export async function giveBackQuotas(
  { db }: SqlContext,
  lists: readonly (readonly { key: string; day: string }[])[],
): Promise<void> {
  const giveBack = new Map<string, { key: string; day: string; n: number }>();
  for (const quotas of lists) {
    for (const q of quotas) {
      const id = `${q.key}\u0000${q.day}`;
      const entry = giveBack.get(id) ?? { key: q.key, day: q.day, n: 0 };
      entry.n += 1;
      giveBack.set(id, entry);
    }
  }
  for (const [, q] of [...giveBack].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await db
      .updateTable("send_quotas")
      .set({ used: sql`case when used >= ${q.n} then used - ${q.n} else 0 end` })
      .where("key", "=", q.key)
      .where("day", "=", q.day)
      .execute();
  }
}
