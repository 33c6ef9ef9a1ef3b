import { CadenzaError, type ClaimedLead, type ClaimRequest, type QuotaReservation } from "@cadenza/core";
import { sql } from "kysely";
import { readTime } from "../read-values.js";
import { toLead } from "../rows/lead-rows.js";
import { toProspect } from "../rows/prospect-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";

/**
 * Claims due leads of a campaign in one transaction:
 * 1. each quota row is locked (upserted, in key order) and the claim is cut to the smallest
 *    `limit − used` of them;
 * 2. with pacing, the mailbox row is locked and nothing is claimed unless its next free time has come;
 * 3. the due leads (active, `next_email_at <= now`, no live lease) are selected in due order — skipping
 *    rows other workers hold on Postgres — and leased, in one statement;
 * 4. the quotas move by the number claimed (never past their limit), the mailbox's next free time is set.
 * `next_email_at` is left as it is: a lease that expires makes the lead due again.
 */
export function claimDueLeads(ctx: SqlContext, request: ClaimRequest): Promise<ClaimedLead[]> {
  if (request.limit <= 0 || !ctx.dialect.isId(request.campaignId)) return Promise.resolve([]);
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const { values } = dialect;
    const now = values.time(request.now);
    const quotas = uniqueQuotas(request.quotas);
    let granted = request.limit;
    for (const quota of quotas) {
      const used = await lockQuota(trx, quota);
      granted = Math.min(granted, Math.max(0, quota.limit - used));
    }
    if (request.pacing && granted > 0) {
      const query = db
        .selectFrom("mailboxes")
        .select("next_free_at")
        .where("id", "=", request.pacing.mailboxId);
      const mailbox = await dialect.lockRows(query, "wait").executeTakeFirst();
      const nextFree = mailbox?.next_free_at == null ? null : readTime(mailbox.next_free_at);
      if (nextFree && nextFree.getTime() > request.now.getTime()) granted = 0;
      granted = Math.min(granted, 1);
    }
    if (granted === 0) return [];

    let due = db
      .selectFrom("campaign_leads")
      .select("id")
      .where("campaign_id", "=", request.campaignId)
      .where("status", "=", sql.lit("active"))
      .where("next_email_at", "<=", now)
      .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<=", now)]));
    if (request.mailboxId === null) due = due.where("mailbox_id", "is", null);
    else if (request.mailboxId !== undefined) due = due.where("mailbox_id", "=", request.mailboxId);
    // One statement picks the due leads (skipping rows other workers hold) and leases them.
    const picked = dialect.lockRows(due.orderBy("next_email_at").orderBy("id").limit(granted), "skip");
    const leads = await db
      .updateTable("campaign_leads")
      .set({ lease_token: request.leaseToken, lease_expires_at: values.time(request.leaseExpiresAt) })
      .where("id", "in", picked)
      .returningAll()
      .execute();
    if (leads.length === 0) return [];

    for (const quota of quotas) await takeQuota(trx, quota, leads.length);
    if (request.pacing) {
      await db
        .updateTable("mailboxes")
        .set({ next_free_at: values.time(request.pacing.nextFreeAt) })
        .where("id", "=", request.pacing.mailboxId)
        .execute();
    }
    const prospects = await db
      .selectFrom("prospects")
      .selectAll()
      .where(
        "id",
        "in",
        leads.map((l) => l.prospect_id),
      )
      .execute();
    const prospectById = new Map(prospects.map((p) => [p.id, toProspect(p, values)]));
    const reserved = quotas.map((q) => ({ key: q.key, day: q.day }));
    return leads
      .map(toLead)
      .sort(
        (a, b) =>
          (a.nextEmailAt?.getTime() ?? 0) - (b.nextEmailAt?.getTime() ?? 0) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .flatMap((lead) => {
        const prospect = prospectById.get(lead.prospectId);
        return prospect ? [{ lead, prospect, leaseToken: request.leaseToken, quotas: reserved }] : [];
      });
  });
}

/** One entry per (key, day), the tightest limit winning, in key order (the lock order). */
function uniqueQuotas(quotas: readonly QuotaReservation[]): QuotaReservation[] {
  const byKey = new Map<string, QuotaReservation>();
  for (const q of quotas) {
    const id = `${q.key}\u0000${q.day}`;
    const seen = byKey.get(id);
    if (!seen || q.limit < seen.limit) byKey.set(id, q);
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, q]) => q);
}

/** Creates the quota row if needed and locks it until the transaction ends; returns its use. */
async function lockQuota({ db }: SqlContext, quota: QuotaReservation): Promise<number> {
  const row = await db
    .insertInto("send_quotas")
    .values({ key: quota.key, day: quota.day, used: 0 })
    .onConflict((oc) => oc.columns(["key", "day"]).doUpdateSet({ used: sql`${sql.ref("send_quotas.used")}` }))
    .returning("used")
    .executeTakeFirstOrThrow();
  return row.used;
}

/** Adds `n` to a locked quota row, refusing to pass its limit. */
async function takeQuota({ db }: SqlContext, quota: QuotaReservation, n: number): Promise<void> {
  if (n === 0) return;
  const result = await db
    .updateTable("send_quotas")
    .set((eb) => ({ used: eb("used", "+", n) }))
    .where("key", "=", quota.key)
    .where("day", "=", quota.day)
    .where(sql<boolean>`used + ${n} <= ${quota.limit}`)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new CadenzaError("STORE_ERROR", {
      message: `Quota ${quota.key} for ${quota.day} would pass its limit of ${quota.limit}`,
      details: { key: quota.key, day: quota.day, limit: quota.limit },
    });
  }
}
