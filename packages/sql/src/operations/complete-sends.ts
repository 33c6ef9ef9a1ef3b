import type {
  CompleteSendsResult,
  NewEvent,
  SendOutcomeWrite,
  Suppression,
  VariantName,
} from "@cadenza/core";
import { type Compilable, sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { eventInserts } from "./append-events.js";
import { lockLeads } from "./lock-leads.js";
import { giveBackQuotas } from "./release-leads.js";
import { insertSuppressions } from "./suppress.js";

/**
 * Records send outcomes in one transaction: the leads are locked and checked, then every write of
 * the batch goes in one statement on Postgres (a retried email's delete, rare, goes first). Each
 * outcome applies only while its lead still holds `leaseToken` (else the lead is `fenced` and nothing
 * is written for it), and releases the lease. The email record becomes `sent` or `bounced`, is deleted
 * (`retry`), or stays `unknown`; a deleted record takes its `sent` counters back with it. The lead
 * takes the engine's advance, except that a lead whose status changed mid-send (a reply, a pause)
 * keeps its status, next send time and last error. Counters, lead counts, suppressions, mailbox
 * flags and events are written in the same transaction, and the quota slots an applied outcome
 * returns (an attempt that never reached the provider) are given back. On Postgres the usual batch
 * (see `completeInOneStatement`) is one statement instead, with the same writes.
 */
export function completeSends(
  ctx: SqlContext,
  outcomes: readonly SendOutcomeWrite[],
): Promise<CompleteSendsResult> {
  if (outcomes.length === 0) return Promise.resolve({ applied: [], fenced: [] });
  if (ctx.dialect.writableCtes && fitsOneStatement(ctx, outcomes)) {
    return completeInOneStatement(ctx, outcomes).then(
      (done) => done ?? completeSendsInTransaction(ctx, outcomes),
    );
  }
  return completeSendsInTransaction(ctx, outcomes);
}

function completeSendsInTransaction(
  ctx: SqlContext,
  outcomes: readonly SendOutcomeWrite[],
): Promise<CompleteSendsResult> {
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const locked = await lockLeads(
      trx,
      outcomes.map((o) => o.leadId),
    );
    const applied: SendOutcomeWrite[] = [];
    const fenced: string[] = [];
    for (const outcome of outcomes) {
      const lead = locked.get(outcome.leadId);
      if (!lead || lead.leaseToken === null || lead.leaseToken !== outcome.leaseToken) {
        fenced.push(outcome.leadId);
        continue;
      }
      lead.leaseToken = null; // the lease ends with its first outcome
      applied.push(outcome);
    }
    if (applied.length === 0) return { applied: [], fenced };
    const returned = applied.flatMap((o) => (o.returnQuotas?.length ? [o.returnQuotas] : []));
    if (returned.length > 0) await giveBackQuotas(trx, returned);

    const counters = new CounterBatch();
    const retried = applied.filter((o) => o.kind === "retry" && dialect.isId(o.emailId));
    if (retried.length > 0) {
      const deleted = await db
        .deleteFrom("emails")
        .where(
          "id",
          "in",
          retried.map((o) => o.emailId),
        )
        .where("direction", "=", sql.lit("outbound"))
        .returning(["campaign_id", "step_number", "variant", "counter_day"])
        .execute();
      // The record goes, and with it the `sent` it counted when it began.
      for (const row of deleted) {
        if (
          row.campaign_id === null ||
          row.step_number === null ||
          row.variant === null ||
          row.counter_day === null
        ) {
          continue;
        }
        counters.addDeltas([
          {
            campaignId: row.campaign_id,
            stepNumber: row.step_number,
            variant: row.variant as VariantName,
            field: "sent",
            by: -1,
            day: row.counter_day,
          },
        ]);
      }
    }

    const { writes, suppressions } = outcomeWrites(trx, applied, counters, (o) => {
      const lead = locked.get(o.leadId);
      return lead ? { campaignId: lead.campaignId, active: lead.status === "active" } : null;
    });
    if (suppressions.length > 0) await insertSuppressions(trx, suppressions);
    // The outcome writes go together: one round trip on Postgres for the whole batch.
    await dialect.writeTogether(db, writes);
    return { applied: applied.map((o) => o.leadId), fenced };
  });
}

/**
 * The writes of applied outcomes (all but a retried email's delete, which goes first, and the
 * suppressions, returned for the caller to insert): the emails' and leads' updates, the counters
 * (with `counters`, which may hold deltas already), mailbox flags and events. `leadOf` says each
 * outcome's campaign and whether its lead was active before (only an active lead's status moves).
 */
function outcomeWrites(
  trx: SqlContext,
  applied: readonly SendOutcomeWrite[],
  counters: CounterBatch,
  leadOf: (o: SendOutcomeWrite) => { campaignId: string; active: boolean } | null,
): { writes: Compilable[]; suppressions: Suppression[] } {
  const { db, dialect } = trx;
  const { values } = dialect;
  // A provider's Message-ID is rare (only providers that replace the engine's give one): a batch
  // without one leaves the column, and its partial index, out of the update.
  const renamed = applied.some((o) => o.providerMessageId !== undefined);
  const rows = applied
    .filter((o) => dialect.isId(o.emailId))
    .map((o) => ({
      id: o.emailId,
      lead_id: o.leadId,
      kind: o.kind,
      at: o.at.toISOString(),
      response: o.response,
      provider_message_id: o.providerMessageId ?? null,
    }));
  const columns = { id: "id", lead_id: "id", kind: "text", at: "time", response: "text" } as const;
  const json = renamed
    ? dialect.jsonRows(rows, { ...columns, provider_message_id: "text" })
    : dialect.jsonRows<Omit<(typeof rows)[number], "provider_message_id">>(rows, columns);
  const emailsUpdate = db
    .updateTable("emails as e")
    .from(json.as("v"))
    .set({
      // An email opened before its outcome was written keeps `opened`.
      status: sql`case
        when v.kind = 'bounced' then 'bounced'
        when e.status <> 'sending' then e.status
        when v.kind = 'sent' then 'sent'
        else 'unknown' end`,
      sent_at: sql`case when v.kind = 'sent' then v.at else e.sent_at end`,
      bounced_at: sql`case when v.kind = 'bounced' then v.at else e.bounced_at end`,
      response: sql`coalesce(v.response, e.response)`,
      ...(renamed
        ? { provider_message_id: sql`coalesce(v.provider_message_id, e.provider_message_id)` }
        : {}),
      updated_at: sql`v.at`,
    })
    .whereRef("e.id", "=", "v.id")
    .whereRef("e.lead_id", "=", "v.lead_id")
    .where(sql<boolean>`v.kind <> 'retry'`);
  const leads = dialect.jsonRows(
    applied.map((o) => ({
      id: o.leadId,
      current_step: o.lead.currentStep,
      status: o.lead.status,
      assigned_variant: o.lead.assignedVariant,
      last_email_at: o.lead.lastEmailAt?.toISOString() ?? null,
      next_email_at: o.lead.nextEmailAt?.toISOString() ?? null,
      emails_sent: o.lead.emailsSent,
      attempts: o.lead.attempts,
      last_error: o.lead.lastError,
      lease_token: o.leaseToken,
      at: o.at.toISOString(),
    })),
    {
      id: "id",
      current_step: "int",
      status: "text",
      assigned_variant: "text",
      last_email_at: "time",
      next_email_at: "time",
      emails_sent: "int",
      attempts: "int",
      last_error: "text",
      lease_token: "text",
      at: "time",
    },
  );
  const ifActive = <T>(column: string) =>
    sql<T>`case when l.status = 'active' then ${sql.ref(`v.${column}`)} else ${sql.ref(`l.${column}`)} end`;
  const leadsUpdate = db
    .updateTable("campaign_leads as l")
    .from(leads.as("v"))
    .set({
      current_step: sql`v.current_step`,
      status: ifActive("status"),
      next_email_at: ifActive("next_email_at"),
      last_error: ifActive("last_error"),
      assigned_variant: sql`v.assigned_variant`,
      last_email_at: sql`v.last_email_at`,
      emails_sent: sql`v.emails_sent`,
      attempts: sql`v.attempts`,
      lease_token: null,
      lease_expires_at: null,
      version: sql`l.version + 1`,
      updated_at: sql`v.at`,
    })
    .whereRef("l.id", "=", "v.id")
    .whereRef("l.lease_token", "=", "v.lease_token");

  const suppressions: Suppression[] = [];
  const events: NewEvent[] = [];
  const flags = new Map<string, { reason: string; at: Date }>();
  for (const o of applied) {
    const lead = leadOf(o);
    if (!lead) continue;
    if (lead.active) counters.addLeadTransition(lead.campaignId, "active", o.lead.status);
    counters.addDeltas(o.counters);
    if (o.suppress) {
      suppressions.push({
        email: o.suppress.email,
        reason: o.suppress.reason,
        campaignId: lead.campaignId,
        createdAt: o.at,
      });
    }
    if (o.flagMailbox) flags.set(o.flagMailbox.mailboxId, { reason: o.flagMailbox.reason, at: o.at });
    events.push(o.event);
  }
  const flagUpdates = [...flags]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([mailboxId, flag]) =>
      db
        .updateTable("mailboxes")
        .set({
          flagged_at: sql`coalesce(flagged_at, ${values.time(flag.at)})`,
          flag_reason: flag.reason,
          updated_at: values.time(flag.at),
        })
        .where("id", "=", mailboxId),
    );
  return {
    writes: [
      emailsUpdate,
      leadsUpdate,
      ...counters.writes(trx),
      ...flagUpdates,
      ...eventInserts(trx, events),
    ],
    suppressions,
  };
}

/**
 * Whether a batch can take the one-statement path: every outcome of a distinct lead, none retried
 * (a retry deletes its record first), no suppression, and its campaign known from its event.
 */
function fitsOneStatement({ dialect }: SqlContext, outcomes: readonly SendOutcomeWrite[]): boolean {
  const leads = new Set<string>();
  for (const o of outcomes) {
    if (o.kind === "retry" || o.suppress || o.returnQuotas?.length || !o.event.campaignId) return false;
    if (!dialect.isId(o.leadId) || !dialect.isId(o.emailId) || leads.has(o.leadId)) return false;
    leads.add(o.leadId);
  }
  return true;
}

/**
 * Where the dialect has writable CTEs: the batch's outcomes as one statement committed on its own,
 * for the usual batch whose every lead is still active, in its campaign and under the outcome's
 * lease. The statement locks the leads in id order and counts those that are; the writes are those
 * of the transaction path for leads found so. If any lead is not, the statement fails on purpose
 * (`1 / 0`, SQLSTATE 22012) before anything is kept, and null is returned: the transaction path
 * then sorts the batch out lead by lead.
 */
async function completeInOneStatement(
  ctx: SqlContext,
  outcomes: readonly SendOutcomeWrite[],
): Promise<CompleteSendsResult | null> {
  const { db, dialect } = ctx;
  const { writes, suppressions } = outcomeWrites(ctx, outcomes, new CounterBatch(), (o) => ({
    campaignId: o.event.campaignId!,
    active: true,
  }));
  if (suppressions.length > 0) return null;
  const held = dialect.jsonRows(
    outcomes.map((o) => ({ id: o.leadId, campaign_id: o.event.campaignId, lease_token: o.leaseToken })),
    { id: "id", campaign_id: "id", lease_token: "text" },
  );
  const parts = writes.map((w, i) => sql`, ${sql.id(`w${i}`)} as (${w})`);
  try {
    // Each lead is looked up by its id alone and checked after: with the other conditions in the
    // lookup, a planner without statistics for a new campaign (before ANALYZE) took the index by
    // campaign and status and walked every active lead of the campaign for each lead of the batch.
    await sql`with held as (
  select count(*) filter (
           where l.campaign_id = h.campaign_id and l.lease_token = h.lease_token and l.status = 'active'
         ) as n
    from (select * from ${held} as h order by h.id offset 0) as h
   cross join lateral (
     select l.campaign_id, l.lease_token, l.status from ${dialect.table("campaign_leads")} as l
      where l.id = h.id
        for update
   ) as l
)${sql.join(parts, sql``)}
select 1 / ((select n from held) = ${outcomes.length})::int as applied`.execute(db);
  } catch (error) {
    if ((error as { code?: unknown }).code === "22012") return null;
    throw error;
  }
  return { applied: outcomes.map((o) => o.leadId), fenced: [] };
}
