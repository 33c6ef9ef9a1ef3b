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

/**
 * Records opens and clicks in one transaction. Whether an engagement is an email's first is decided
 * by the database (`UPDATE … WHERE opened_at IS NULL`), so two trackers racing on one email count it
 * once. A first human open moves `opens` and the lead's `emails_opened`; a first human click moves
 * `clicks` and, when the email had no human open yet, counts as its first open too. Automatic
 * engagement (either kind) only moves `machineOpens`, once. Every engagement is appended as an event.
 */
export function recordEngagements(
  ctx: SqlContext,
  engagements: readonly EngagementWrite[],
): Promise<EngagementResult[]> {
  if (engagements.length === 0) return Promise.resolve([]);
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const ids = [...new Set(engagements.map((e) => e.emailId))].filter((id) => dialect.isId(id));
    const emails =
      ids.length === 0
        ? []
        : await db
            .selectFrom("emails")
            .select(["id", "campaign_id", "lead_id", "step_number", "variant"])
            .where("id", "in", ids)
            .where("direction", "=", sql.lit("outbound"))
            .execute();
    const byId = new Map(emails.map((e) => [e.id, e]));
    // Leads before emails: the order completeSends takes them in, so the two never deadlock.
    await lockLeads(
      trx,
      emails.flatMap((e) => (e.lead_id ? [e.lead_id] : [])),
    );

    const stamp = async (emailId: string, column: Stamp, at: Date): Promise<boolean> => {
      const time = dialect.values.time(at);
      const result = await db
        .updateTable("emails")
        .set({
          [column]: time,
          ...(column === "opened_at"
            ? { status: sql`case when status = 'sent' then 'opened' else status end` }
            : {}),
        })
        .where("id", "=", emailId)
        .where(column, "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    };

    const counters = new CounterBatch();
    const opensByLead = new Map<string, number>();
    const events: NewEvent[] = [];
    const results: EngagementResult[] = [];
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
        firstMachine = await stamp(email.id, "machine_opened_at", e.at);
        if (firstMachine) count("machineOpens");
      } else {
        if (e.kind === "click" && (await stamp(email.id, "clicked_at", e.at))) {
          firstHuman = true;
          count("clicks");
        }
        if (await stamp(email.id, "opened_at", e.at)) {
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
    for (const [leadId, n] of [...opensByLead].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await db
        .updateTable("campaign_leads")
        .set((eb) => ({ emails_opened: eb("emails_opened", "+", n) }))
        .where("id", "=", leadId)
        .execute();
    }
    await counters.flush(trx);
    await insertEvents(trx, events);
    return results;
  });
}

function deltaFor(
  email: { campaign_id: string | null; step_number: number | null; variant: string | null },
  field: StepCounterField,
  day: string,
): CounterDelta[] {
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
