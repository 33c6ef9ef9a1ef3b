import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { readTime } from "../read-values.js";
import { selectEmails, toEmailRecord } from "../rows/email-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { lockLeads } from "./lock-leads.js";

/**
 * Recovers sends left `sending` by a worker that died after its lead stopped being active (so no claim
 * will ever take the lead again): under the lead's row lock, the record becomes `unknown` (counted),
 * the lead gets the step recorded and its lease cleared. Rare, so one statement per row is fine.
 */
export function recoverAbandonedSends(ctx: SqlContext, now: Date, limit: number): Promise<EmailRecord[]> {
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const { values } = dialect;
    // The few leads that stopped while leased come first (`campaign_leads_stopped_leased`), then
    // their `sending` records: `cross join` keeps that order on SQLite, whose planner would otherwise
    // walk every outbound email for `direction = 'outbound'` on each tick.
    const abandoned = db
      .selectFrom("campaign_leads as l")
      .crossJoin("emails as e")
      .select("e.id")
      .where("l.status", "<>", sql.lit("active"))
      .where("l.lease_token", "is not", null)
      .where("l.lease_expires_at", "<=", values.time(now))
      .whereRef("e.lead_id", "=", "l.id")
      .whereRef("e.lease_token", "=", "l.lease_token")
      .where("e.status", "=", sql.lit("sending"))
      .where("e.direction", "=", sql.lit("outbound"))
      .limit(limit);
    const candidates = await selectEmails(trx).where("e.id", "in", abandoned).execute();
    if (candidates.length === 0) return [];
    const locked = await lockLeads(
      trx,
      candidates.map((c) => c.lead_id!),
    );
    const counters = new CounterBatch();
    const recovered: EmailRecord[] = [];
    for (const row of candidates) {
      const lead = locked.get(row.lead_id!);
      // Re-checked under the lock: a worker may have completed it meanwhile.
      if (
        !lead ||
        lead.status === "active" ||
        lead.leaseToken !== row.lease_token ||
        lead.leaseExpiresAt === null ||
        readTime(lead.leaseExpiresAt).getTime() > now.getTime()
      ) {
        continue;
      }
      const updated = await db
        .updateTable("emails")
        .set({ status: "unknown", updated_at: values.time(now) })
        .where("id", "=", row.id)
        .where("status", "=", sql.lit("sending"))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) continue;
      await db
        .updateTable("campaign_leads")
        .set({
          current_step: sql`case when current_step < ${row.step_number} then ${row.step_number} else current_step end`,
          emails_sent: sql`emails_sent + 1`,
          last_email_at: row.created_at,
          lease_token: null,
          lease_expires_at: null,
          version: sql`version + 1`,
          updated_at: values.time(now),
        })
        .where("id", "=", lead.id)
        .execute();
      const record = toEmailRecord({ ...row, status: "unknown" }, values);
      if (record.campaignId && record.stepNumber !== null && record.variant && record.counterDay) {
        counters.addDeltas([
          {
            campaignId: record.campaignId,
            stepNumber: record.stepNumber,
            variant: record.variant,
            field: "unknown",
            by: 1,
            day: record.counterDay,
          },
        ]);
      }
      recovered.push(record);
    }
    await counters.flush(trx);
    return recovered;
  });
}
