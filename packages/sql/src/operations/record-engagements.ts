import type {
  CounterDelta,
  EngagementResult,
  EngagementWrite,
  NewEvent,
  StepCounterField,
  VariantName,
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
 * Records a batch of opens and clicks in one transaction, with a number of statements that does not
 * grow with the batch: one read of the emails, at most one `UPDATE … WHERE <stamp> IS NULL` per stamp
 * column (none once every email of the batch was engaged before), one update of the leads, the
 * counter upserts with summed deltas, and one insert of the events.
 *
 * Whether an engagement is an email's first is decided by the database (the stamp's `IS NULL`, checked
 * again under the row lock), so trackers racing in other processes count each email once; within the
 * batch, the first engagement in order is the first. A first human open moves `opens` and the lead's
 * `emails_opened`; a first human click moves `clicks` and, when the email had no human open yet,
 * counts as its first open too. Automatic engagement (either kind) only moves `machineOpens`, once.
 * Every engagement is appended as an event.
 */
export function recordEngagements(
  ctx: SqlContext,
  engagements: readonly EngagementWrite[],
): Promise<EngagementResult[]> {
  if (engagements.length === 0) return Promise.resolve([]);
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
        data: {
          machine: e.machine,
          first: e.machine ? firstMachine : firstHuman,
          ...(e.url !== undefined ? { url: e.url } : {}),
          userAgent: e.userAgent ?? null,
          ip: e.ip ?? null,
        },
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
      ...(stamp === "opened_at" ? { status: sql`case when e.status = 'sent' then 'opened' else e.status end` } : {}),
    })
    .whereRef("e.id", "=", "v.target")
    .where(`e.${stamp}`, "is", null)
    // Unqualified: SQLite's RETURNING names only the updated table's columns, and `v` has no `id`.
    .returning("id")
    .execute();
  return new Set(rows.map((r) => r.id));
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
