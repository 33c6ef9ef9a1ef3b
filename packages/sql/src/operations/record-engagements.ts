import {
  CadenzaError,
  type CounterDelta,
  type EngagementResult,
  type EngagementWrite,
  type NewEvent,
  type StepCounterField,
  type VariantName,
} from "@cadenza/core";
import { sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { insertEvents } from "./append-events.js";
import { lockLeads } from "./lock-leads.js";

type Stamp = "opened_at" | "clicked_at" | "machine_opened_at";
const STAMPS: readonly Stamp[] = ["opened_at", "clicked_at", "machine_opened_at"];

interface EngagedEmail {
  id: string;
  campaign_id: string | null;
  lead_id: string | null;
  step_number: number | null;
  variant: string | null;
}

/**
 * Records a batch of opens and clicks with a number of statements that does not grow with the batch.
 * Most engagement repeats an earlier one (a second open, a proxy fetching the pixel again): when no
 * engagement of the batch can be a first, the batch is one `INSERT … SELECT` of its events, all or
 * nothing. Otherwise it is one transaction: one read of the emails, at most one `UPDATE … WHERE
 * <stamp> IS NULL` per stamp column, one update of the leads, the counter upserts with summed
 * deltas, and one insert of the events.
 *
 * Whether an engagement is an email's first is decided by the database (the stamp's `IS NULL`, checked
 * again under the row lock), so trackers racing in other processes count each email once; within the
 * batch, the first engagement in order is the first. A first human open moves `opens` and the lead's
 * `emails_opened`; a first human click moves `clicks` and, when the email had no human open yet,
 * counts as its first open too. Automatic engagement (either kind) only moves `machineOpens`, once.
 * Every engagement is appended as an event.
 */
export async function recordEngagements(
  ctx: SqlContext,
  engagements: readonly EngagementWrite[],
): Promise<EngagementResult[]> {
  if (engagements.length === 0) return [];
  return (await recordRepeats(ctx, engagements)) ?? recordWithFirsts(ctx, engagements);
}

/**
 * Appends the batch's events in one statement if every engagement is of a known outbound email whose
 * stamps it would set are all set already (so none is a first and no counter moves); returns null,
 * having written nothing, otherwise. Stamps are only ever set, never cleared: a stamp seen set stays set.
 */
async function recordRepeats(
  { db, dialect }: SqlContext,
  engagements: readonly EngagementWrite[],
): Promise<EngagementResult[] | null> {
  if (!engagements.every((e) => dialect.isId(e.emailId))) return null;
  const rows = engagements.map((e) => ({
    event_id: e.eventId,
    email_id: e.emailId,
    kind: e.kind === "open" ? "opened" : "clicked",
    machine: e.machine,
    click: e.kind === "click",
    at: e.at.toISOString(),
    data: eventData(e, false),
  }));
  const v = dialect.jsonRows(rows, {
    event_id: "text",
    email_id: "id",
    kind: "text",
    machine: "bool",
    click: "bool",
    at: "time",
    data: "json",
  });
  // The batch joined to its emails once; every row of it must be a repeat for any to be written.
  const write = (trx: SqlContext["db"]) =>
    sql`with j as (
        select v.event_id, v.kind, e.campaign_id, e.lead_id, e.id as email_id, v.at, v.data,
          e.direction = 'outbound' and (case when v.machine
            then e.machine_opened_at is not null
            else e.opened_at is not null and (e.clicked_at is not null or not v.click) end) as is_repeat
        from ${v} as v join ${dialect.table("emails")} as e on e.id = v.email_id)
      insert into ${dialect.table("events")} (id, kind, campaign_id, lead_id, email_id, at, data)
      select event_id, kind, campaign_id, lead_id, email_id, at, data from j
      where (select count(*) from j where is_repeat) = ${engagements.length}`.execute(trx);
  // One statement is atomic on its own; SQLite still takes its write transaction, which is how its
  // writers in one process queue for the file.
  const { numAffectedRows } =
    dialect.name === "sqlite" ? await dialect.transaction(db, write) : await write(db);
  const inserted = Number(numAffectedRows ?? 0);
  if (inserted === 0) return null;
  if (inserted !== engagements.length) {
    throw new CadenzaError("INTERNAL", {
      message: `${inserted} of ${engagements.length} repeat engagements were written`,
    });
  }
  return engagements.map((e) => ({
    emailId: e.emailId,
    found: true,
    firstHuman: false,
    firstMachine: false,
  }));
}

/** The batch in one transaction, deciding each stamp's first in the database. */
function recordWithFirsts(
  ctx: SqlContext,
  engagements: readonly EngagementWrite[],
): Promise<EngagementResult[]> {
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const ids = [...new Set(engagements.map((e) => e.emailId))].filter((id) => dialect.isId(id));
    const rows =
      ids.length === 0
        ? []
        : await db
            .selectFrom("emails")
            .select([
              "id",
              "campaign_id",
              "lead_id",
              "step_number",
              "variant",
              "opened_at",
              "clicked_at",
              "machine_opened_at",
            ])
            .where("id", "in", ids)
            .where("direction", "=", sql.lit("outbound"))
            .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));

    // The stamps this batch would set: per column, each email's first engagement that wants it. A
    // stamp already set stays set, so one read outside any lock rules it out for good.
    const wanted = new Map<Stamp, Map<string, EngagementWrite>>(STAMPS.map((s) => [s, new Map()]));
    for (const e of engagements) {
      const row = byId.get(e.emailId);
      if (!row) continue;
      for (const stamp of stampsOf(e)) {
        const firsts = wanted.get(stamp)!;
        if (row[stamp] === null && !firsts.has(e.emailId)) firsts.set(e.emailId, e);
      }
    }

    // Leads before emails: the order completeSends takes them in, so the two never deadlock.
    const opening = [...wanted.get("opened_at")!.keys()];
    await lockLeads(
      trx,
      opening.flatMap((id) => byId.get(id)?.lead_id ?? []),
    );
    const stamped = new Map<Stamp, Set<string>>();
    for (const stamp of STAMPS) {
      const firsts = wanted.get(stamp)!;
      stamped.set(stamp, firsts.size === 0 ? new Set() : await setStamps(trx, stamp, firsts));
    }

    const counters = new CounterBatch();
    const opensByLead = new Map<string, number>();
    const events: NewEvent[] = [];
    const results: EngagementResult[] = [];
    // Each stamp set is the first of exactly the engagement that asked for it.
    const isFirst = (stamp: Stamp, e: EngagementWrite) =>
      wanted.get(stamp)!.get(e.emailId) === e && stamped.get(stamp)!.has(e.emailId);
    for (const e of engagements) {
      const email = byId.get(e.emailId);
      if (!email) {
        results.push({ emailId: e.emailId, found: false, firstHuman: false, firstMachine: false });
        continue;
      }
      const count = (field: StepCounterField) => counters.addDeltas(deltaFor(email, field, e.day));
      let firstHuman = false;
      let firstMachine = false;
      if (e.machine) {
        firstMachine = isFirst("machine_opened_at", e);
        if (firstMachine) count("machineOpens");
      } else {
        if (e.kind === "click" && isFirst("clicked_at", e)) {
          firstHuman = true;
          count("clicks");
        }
        if (isFirst("opened_at", e)) {
          firstHuman = true;
          count("opens");
          if (email.lead_id) opensByLead.set(email.lead_id, (opensByLead.get(email.lead_id) ?? 0) + 1);
        }
      }
      results.push({ emailId: e.emailId, found: true, firstHuman, firstMachine });
      events.push({
        id: e.eventId,
        kind: e.kind === "open" ? "opened" : "clicked",
        campaignId: email.campaign_id,
        leadId: email.lead_id,
        emailId: email.id,
        at: e.at,
        data: eventData(e, e.machine ? firstMachine : firstHuman),
      });
    }
    if (opensByLead.size > 0) {
      const v = dialect.jsonRows(
        [...opensByLead].map(([id, n]) => ({ id, n })),
        { id: "id", n: "int" },
      );
      await db
        .updateTable("campaign_leads as l")
        .from(v.as("v"))
        .set({ emails_opened: sql`l.emails_opened + v.n` })
        .whereRef("l.id", "=", "v.id")
        .execute();
    }
    await counters.flush(trx);
    await insertEvents(trx, events);
    return results;
  });
}

/** The stamp columns an engagement sets on a first: human opens and clicks open, clicks click. */
function stampsOf(e: EngagementWrite): Stamp[] {
  if (e.machine) return ["machine_opened_at"];
  return e.kind === "click" ? ["clicked_at", "opened_at"] : ["opened_at"];
}

/**
 * Sets one stamp column on the emails where it is still unset, each to its first engagement's time,
 * in one statement; returns the ids it set (a racing transaction that set one first wins it).
 */
async function setStamps(
  { db, dialect }: SqlContext,
  stamp: Stamp,
  firsts: ReadonlyMap<string, EngagementWrite>,
): Promise<Set<string>> {
  const v = dialect.jsonRows(
    [...firsts].map(([id, e]) => ({ target: id, stamp_at: e.at.toISOString() })),
    { target: "id", stamp_at: "time" },
  );
  const rows = await db
    .updateTable("emails as e")
    .from(v.as("v"))
    .set({
      [stamp]: sql`v.stamp_at`,
      ...(stamp === "opened_at"
        ? { status: sql`case when e.status = 'sent' then 'opened' else e.status end` }
        : {}),
    })
    .whereRef("e.id", "=", "v.target")
    .where(`e.${stamp}`, "is", null)
    // Unqualified: SQLite's RETURNING names only the updated table's columns, and `v` has no `id`.
    .returning("id")
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** What an engagement's event records besides its email. */
function eventData(e: EngagementWrite, first: boolean): Record<string, unknown> {
  return {
    machine: e.machine,
    first,
    ...(e.url !== undefined ? { url: e.url } : {}),
    userAgent: e.userAgent ?? null,
    ip: e.ip ?? null,
  };
}

function deltaFor(email: EngagedEmail, field: StepCounterField, day: string): CounterDelta[] {
  if (email.campaign_id === null || email.step_number === null || email.variant === null) return [];
  return [
    {
      campaignId: email.campaign_id,
      stepNumber: email.step_number,
      variant: email.variant as VariantName,
      field,
      by: 1,
      day,
    },
  ];
}
