import {
  type BeginSendsResult,
  type CounterDelta,
  type EmailRecord,
  type NewEmail,
  sendingRecord,
  type VariantName,
} from "@cadenza/core";
import { sql } from "kysely";
import { counterWritesOfRows } from "../counters/counted-rows.js";
import { CounterBatch } from "../counters/counter-batch.js";
import { readTime } from "../read-values.js";
import {
  EMAIL_COLUMN_TYPES,
  EMAIL_COLUMNS,
  emailColumns,
  selectEmails,
  toEmailRecord,
} from "../rows/email-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { lockLeads } from "./lock-leads.js";

/**
 * Records emails as `sending` before their transport call, in one transaction:
 * - a lead whose lease is no longer the email's (or has run out) is `fenced`: nothing is written;
 * - a lead that already has an outbound email for the step gets no new one; the record is returned in
 *   `stale` for the engine to complete without sending. A `sending` record of an earlier lease (its
 *   worker died mid-send) becomes `unknown` first: it may have left, and counts in `unknown`;
 * - every new record moves its `sent` counters in the same transaction, so the campaign's
 *   `emails_sent` always equals its count of outbound records.
 *
 * The usual batch is one insert: rows are inserted only for leads that hold the email's live lease
 * (locked in id order), and a (lead, step) that already has a record is skipped by the unique index
 * instead of being looked for first. Only emails that were not inserted are looked at again.
 */
export function beginSends(
  ctx: SqlContext,
  emails: readonly NewEmail[],
  now: Date,
): Promise<BeginSendsResult> {
  if (emails.length === 0) return Promise.resolve({ begun: [], fenced: [], stale: [] });
  if (ctx.dialect.writableCtes && ctx.dialect.emailBodies === "inline") {
    return beginInOneStatement(ctx, emails, now);
  }
  return inTransaction(ctx, async (trx) => {
    const begun = new Set(await insertLive(trx, emails, now));
    const counters = new CounterBatch();
    for (const e of emails) if (begun.has(e.id)) counters.addDeltas(counterFor(e, "sent"));
    const rest = emails.filter((e) => !begun.has(e.id));
    const { fenced, stale } =
      rest.length === 0 ? { fenced: [], stale: [] } : await sortOut(trx, rest, now, counters);
    await counters.flush(trx);
    return { begun: emails.filter((e) => begun.has(e.id)).map((e) => e.id), fenced, stale };
  });
}

/**
 * Where the dialect has writable CTEs: the usual batch as one statement committed on its own — the
 * records of leads holding the email's live lease inserted (the leads locked in id order, each found
 * by its id) and their `sent` counters moved by exactly the rows inserted. Emails it did not insert
 * are sorted out in a transaction after it, as `beginSends` does.
 */
async function beginInOneStatement(
  ctx: SqlContext,
  emails: readonly NewEmail[],
  now: Date,
): Promise<BeginSendsResult> {
  const { db, dialect } = ctx;
  const { values } = dialect;
  const rows = dialect.jsonRows(
    emails.map((e) => emailColumns(sendingRecord(e, now), e.leaseToken, values)),
    EMAIL_COLUMN_TYPES,
  );
  const columns = sql.raw(EMAIL_COLUMNS.join(", "));
  const fromV = sql.raw(EMAIL_COLUMNS.map((c) => `v.${c}`).join(", "));
  const counters = counterWritesOfRows(dialect, "ins", "sent").map(
    (write, i) => sql`, ${sql.id(`c${i}`)} as (${write})`,
  );
  // Each lead is looked up by its id from the batch's row (a lateral lookup: the planner cannot know
  // the batch's leads are the leased ones and would scan the table), in id order, locked.
  const { rows: inserted } = await sql<{ id: string }>`with ins as (
  insert into ${dialect.table("emails")} (${columns})
  select ${fromV}
    from (select * from ${rows} as r order by r.lead_id offset 0) as v
   cross join lateral (
     select l.id from ${dialect.table("campaign_leads")} as l
      where l.id = v.lead_id and l.lease_token = v.lease_token and l.lease_expires_at > ${values.time(now)}
        for update
   ) as l
  on conflict (lead_id, step_number) where direction = 'outbound' do nothing
  returning id, campaign_id, step_number, variant, counter_day
)${sql.join(counters, sql``)}
select id from ins`.execute(db);
  const begun = new Set(inserted.map((r) => r.id));
  const rest = emails.filter((e) => !begun.has(e.id));
  const ids = emails.filter((e) => begun.has(e.id)).map((e) => e.id);
  if (rest.length === 0) return { begun: ids, fenced: [], stale: [] };
  const { fenced, stale } = await inTransaction(ctx, async (trx) => {
    const counters = new CounterBatch();
    const sorted = await sortOut(trx, rest, now, counters);
    await counters.flush(trx);
    return sorted;
  });
  return { begun: ids, fenced, stale };
}

/**
 * Inserts the `sending` records of leads that hold the email's live lease; returns the new ids. Where
 * the dialect keeps bodies apart, the rows go in without them and the new ones' bodies follow.
 */
async function insertLive({ db, dialect }: SqlContext, emails: readonly NewEmail[], now: Date) {
  const { values } = dialect;
  const apart = dialect.emailBodies === "separate";
  const rows = dialect.jsonRows(
    emails.map((e) => {
      const row = emailColumns(sendingRecord(e, now), e.leaseToken, values);
      return apart ? { ...row, body: "", html: null } : row;
    }),
    EMAIL_COLUMN_TYPES,
  );
  const live = db
    .selectFrom([rows.as("v"), "campaign_leads as l"])
    .select(EMAIL_COLUMNS.map((c) => sql.ref(`v.${c}`).as(c)))
    .whereRef("l.id", "=", sql.ref("v.lead_id"))
    .whereRef("l.lease_token", "=", sql.ref("v.lease_token"))
    .where("l.lease_expires_at", ">", values.time(now))
    .orderBy("l.id");
  const inserted = await db
    .insertInto("emails")
    .columns(EMAIL_COLUMNS)
    .expression(dialect.lockRows(live, "wait", "l"))
    .onConflict((oc) =>
      oc.columns(["lead_id", "step_number"]).where("direction", "=", sql.lit("outbound")).doNothing(),
    )
    .returning("id")
    .execute();
  const ids = inserted.map((r) => r.id);
  if (apart && ids.length > 0) {
    const begun = new Set(ids);
    const bodies = dialect.jsonRows(
      emails.filter((e) => begun.has(e.id)).map((e) => ({ email_id: e.id, body: e.text, html: e.html })),
      { email_id: "id", body: "text", html: "text" },
    );
    await db
      .insertInto("email_bodies")
      .columns(["email_id", "body", "html"])
      .expression(db.selectFrom(bodies.as("v")).select(["v.email_id", "v.body", "v.html"]))
      .execute();
  }
  return ids;
}

/**
 * The emails `insertLive` skipped: fenced (the lead's lease is not theirs) or stale (the step already
 * has a record, which becomes `unknown` if an earlier lease left it `sending`).
 */
async function sortOut(
  trx: SqlContext,
  emails: readonly NewEmail[],
  now: Date,
  counters: CounterBatch,
): Promise<{ fenced: string[]; stale: EmailRecord[] }> {
  const { db, dialect } = trx;
  const { values } = dialect;
  const locked = await lockLeads(
    trx,
    emails.map((e) => e.leadId),
  );
  const fenced: string[] = [];
  const live: NewEmail[] = [];
  for (const email of emails) {
    const lead = locked.get(email.leadId);
    const current =
      lead &&
      lead.leaseToken === email.leaseToken &&
      lead.leaseExpiresAt !== null &&
      readTime(lead.leaseExpiresAt).getTime() > now.getTime();
    if (current) live.push(email);
    else fenced.push(email.leadId);
  }
  const existing = live.length === 0 ? [] : await existingAttempts(trx, live);
  const leaseOf = new Map(live.map((e) => [e.leadId, e.leaseToken]));
  const orphaned = (e: (typeof existing)[number]) =>
    e.status === "sending" && e.lead_id !== null && e.lease_token !== leaseOf.get(e.lead_id);
  const staleSending = existing.filter(orphaned).map((e) => e.id);
  if (staleSending.length > 0) {
    await db
      .updateTable("emails")
      .set({ status: "unknown", updated_at: values.time(now) })
      .where("id", "in", staleSending)
      .execute();
  }
  const stale: EmailRecord[] = [];
  for (const row of existing) {
    const wasSending = orphaned(row);
    const record = toEmailRecord(wasSending ? { ...row, status: "unknown" } : row, values);
    stale.push(record);
    if (wasSending) counters.addDeltas(counterFor(record, "unknown"));
  }
  return { fenced, stale };
}

/** Outbound records already there for the (lead, step) pairs of a batch. */
async function existingAttempts(ctx: SqlContext, emails: readonly NewEmail[]) {
  const pairs = ctx.dialect.jsonRows(
    emails.map((e) => ({ lead_id: e.leadId, step_number: e.stepNumber })),
    { lead_id: "id", step_number: "int" },
  );
  return selectEmails(ctx)
    .innerJoin(pairs.as("w"), (join) =>
      join.onRef("w.lead_id", "=", "e.lead_id").onRef("w.step_number", "=", "e.step_number"),
    )
    .where("e.direction", "=", sql.lit("outbound"))
    .execute();
}

function counterFor(
  email: {
    campaignId: string | null;
    stepNumber: number | null;
    variant: VariantName | null;
    counterDay: string | null;
  },
  field: "sent" | "unknown",
): CounterDelta[] {
  if (
    email.campaignId === null ||
    email.stepNumber === null ||
    email.variant === null ||
    email.counterDay === null
  ) {
    return [];
  }
  return [
    {
      campaignId: email.campaignId,
      stepNumber: email.stepNumber,
      variant: email.variant,
      field,
      by: 1,
      day: email.counterDay,
    },
  ];
}
