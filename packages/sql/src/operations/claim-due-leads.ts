import {
  CadenzaError,
  type ClaimedLead,
  type ClaimRequest,
  type Lead,
  type Prospect,
  type QuotaReservation,
} from "@cadenza/core";
import { type Selectable, sql } from "kysely";
import type { CampaignLeadsTable, ProspectsTable } from "../database.js";
import { readTime } from "../read-values.js";
import { toLead } from "../rows/lead-rows.js";
import { PROSPECT_COLUMNS, toProspect } from "../rows/prospect-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";

/**
 * Claims due leads of a campaign atomically (one transaction; on Postgres, unless paced, one
 * statement — see `claimInOneStatement`):
 * 1. each quota row is locked (upserted, in key order) and the claim is cut to the smallest
 *    `limit − used` of them;
 * 2. with pacing, the mailbox row is locked and nothing is claimed unless its next free time has come;
 * 3. the due leads (active, `next_email_at <= now`, no live lease) are selected in due order — skipping
 *    rows other workers hold on Postgres — and leased, in one statement;
 * 4. the quotas move by the number claimed (never past their limit), the mailbox's next free time is set.
 * `next_email_at` is left as it is: a lease that expires makes the lead due again.
 */
export async function claimDueLeads(ctx: SqlContext, request: ClaimRequest): Promise<ClaimedLead[]> {
  if (request.limit <= 0 || !ctx.dialect.isId(request.campaignId)) return [];
  const quotas = uniqueQuotas(request.quotas);
  if (ctx.dialect.writableCtes && !request.pacing) {
    const claimed = await claimInOneStatement(ctx, request, quotas);
    if (claimed) return claimed;
  }
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const { values } = dialect;
    const now = values.time(request.now);
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
      .select(PROSPECT_COLUMNS)
      .where(
        "id",
        "in",
        leads.map((l) => l.prospect_id),
      )
      .execute();
    const prospectById = new Map(prospects.map((p) => [p.id, toProspect(p as ProspectRow, values)]));
    return claimedLeads(leads.map(toLead), prospectById, request, quotas);
  });
}

type ProspectRow = Selectable<ProspectsTable>;

/** The claimed leads in due order, each with its prospect (a lead whose prospect is gone is left out). */
function claimedLeads(
  leads: Lead[],
  prospectById: ReadonlyMap<string, Prospect>,
  request: ClaimRequest,
  quotas: readonly QuotaReservation[],
): ClaimedLead[] {
  const reserved = quotas.map((q) => ({ key: q.key, day: q.day }));
  return leads
    .sort(
      (a, b) =>
        (a.nextEmailAt?.getTime() ?? 0) - (b.nextEmailAt?.getTime() ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .flatMap((lead) => {
      const prospect = prospectById.get(lead.prospectId);
      return prospect ? [{ lead, prospect, leaseToken: request.leaseToken, quotas: reserved }] : [];
    });
}

/**
 * The claim as one statement committed on its own, where the dialect has writable CTEs and the claim
 * is not paced: the quota rows are locked in key order and the claim cut to what they grant, the due
 * leads picked (skipping rows other workers hold; the request's limit written in the statement, so
 * the planner sizes its joins for a batch) and leased, the quotas moved by the number leased,
 * and the leased leads returned joined to their prospects, each with whether its address is
 * suppressed — the same steps as the transaction and the engine's suppression check, in one round
 * trip. Returns null, having changed nothing, when a quota row does not exist yet (a key's
 * first claim of its day): the transaction creates it.
 */
async function claimInOneStatement(
  { db, dialect }: SqlContext,
  request: ClaimRequest,
  quotas: readonly QuotaReservation[],
): Promise<ClaimedLead[] | null> {
  const { values } = dialect;
  const now = values.time(request.now);
  const table = (name: "send_quotas" | "campaign_leads" | "prospects" | "suppressions") =>
    dialect.table(name);
  const wanted = dialect.jsonRows(
    quotas.map((q) => ({ key: q.key, day: q.day, lim: q.limit })),
    { key: "text", day: "text", lim: "int" },
  );
  const mailbox =
    request.mailboxId === undefined
      ? sql``
      : request.mailboxId === null
        ? sql`and mailbox_id is null`
        : sql`and mailbox_id = ${request.mailboxId}`;
  const prospectColumns = sql.raw(PROSPECT_COLUMNS.map((c) => `p.${c} as p_${c}`).join(", "));
  const { rows } = await sql<ClaimRow>`with q as (
  select s.key, s.day, s.used, w.lim from ${table("send_quotas")} s
    join ${wanted} as w on w.key = s.key and w.day = s.day
   order by s.key, s.day
     for update of s
), granted as (
  select case when count(*) = ${quotas.length}::int
              then greatest(0, least(${request.limit}::int, coalesce(min(lim - used), ${request.limit}::int)))
              else 0 end as n,
         count(*) as found
    from q
), picked as (
  select id, next_email_at from ${table("campaign_leads")}
   where campaign_id = ${request.campaignId} and status = 'active' and next_email_at <= ${now}
     and (lease_expires_at is null or lease_expires_at <= ${now}) ${mailbox}
     and (select n from granted) > 0
   order by next_email_at, id
   limit ${sql.lit(Math.trunc(request.limit))}
     for update skip locked
), chosen as (
  select id from picked order by next_email_at, id limit (select n from granted)
), claimed as (
  update ${table("campaign_leads")} l
     set lease_token = ${request.leaseToken}, lease_expires_at = ${values.time(request.leaseExpiresAt)}
    from chosen
   where l.id = chosen.id
  returning l.*
), took as (
  update ${table("send_quotas")} s
     set used = s.used + (select count(*) from claimed)
    from q
   where s.key = q.key and s.day = q.day and exists (select 1 from claimed)
)
select g.found, c.*, ${prospectColumns},
       exists (select 1 from ${table("suppressions")} s where s.email = lower(p.email)) as p_suppressed
  from granted g
  left join (claimed c join ${table("prospects")} p on p.id = c.prospect_id) on true`.execute(db);
  if (Number(rows[0]?.found ?? 0) < quotas.length) return null;
  const leads: Lead[] = [];
  const prospectById = new Map<string, Prospect>();
  const suppressed = new Set<string>();
  for (const row of rows) {
    if (row.id == null) continue;
    leads.push(toLead(row as Selectable<CampaignLeadsTable>));
    const prospect: Record<string, unknown> = {};
    for (const c of PROSPECT_COLUMNS) prospect[c] = row[`p_${c}`];
    prospectById.set(row.prospect_id as string, toProspect(prospect as unknown as ProspectRow, values));
    if (row.p_suppressed === true) suppressed.add(row.prospect_id as string);
  }
  return claimedLeads(leads, prospectById, request, quotas).map((c) => ({
    ...c,
    suppressed: suppressed.has(c.prospect.id),
  }));
}

/** A row of the one-statement claim: `found`, the lead's columns (null when nothing was claimed), `p_` prospect columns. */
type ClaimRow = { found: number | string } & Partial<Selectable<CampaignLeadsTable>> &
  Record<`p_${string}`, unknown>;

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
