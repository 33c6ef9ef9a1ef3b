import type { BeginSendsResult, CounterDelta, EmailRecord, NewEmail, VariantName } from "@cadenza/core";
import { sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { readTime } from "../read-values.js";
import { emailColumns, toEmailRecord } from "../rows/email-rows.js";
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
 */
export function beginSends(
  ctx: SqlContext,
  emails: readonly NewEmail[],
  now: Date,
): Promise<BeginSendsResult> {
  if (emails.length === 0) return Promise.resolve({ begun: [], fenced: [], stale: [] });
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const { values } = dialect;
    const locked = await lockLeads(
      trx,
      emails.map((e) => e.leadId),
    );
    const fenced = new Set<string>();
    const live: NewEmail[] = [];
    for (const email of emails) {
      const lead = locked.get(email.leadId);
      const current =
        lead &&
        lead.leaseToken === email.leaseToken &&
        lead.leaseExpiresAt !== null &&
        readTime(lead.leaseExpiresAt).getTime() > now.getTime();
      if (current) live.push(email);
      else fenced.add(email.leadId);
    }

    const existing = live.length === 0 ? [] : await existingAttempts(trx, live);
    const taken = new Set(existing.map((e) => `${e.lead_id}\u0000${e.step_number}`));
    const counters = new CounterBatch();
    const stale: EmailRecord[] = [];
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
    for (const row of existing) {
      const wasSending = orphaned(row);
      const record = toEmailRecord(wasSending ? { ...row, status: "unknown" } : row, values);
      stale.push(record);
      if (wasSending) counters.addDeltas(counterFor(record, "unknown"));
    }

    const fresh = live.filter((e) => !taken.has(`${e.leadId}\u0000${e.stepNumber}`));
    if (fresh.length > 0) {
      await db
        .insertInto("emails")
        .values(
          fresh.map((e) =>
            emailColumns(
              {
                ...e,
                direction: "outbound",
                status: "sending",
                response: null,
                sentAt: null,
                openedAt: null,
                machineOpenedAt: null,
                clickedAt: null,
                repliedAt: null,
                bouncedAt: null,
                createdAt: now,
              },
              e.leaseToken,
              values,
            ),
          ),
        )
        .execute();
      for (const e of fresh) {
        counters.addDeltas(
          counterFor(
            {
              campaignId: e.campaignId,
              stepNumber: e.stepNumber,
              variant: e.variant,
              counterDay: e.counterDay,
            },
            "sent",
          ),
        );
      }
    }
    await counters.flush(trx);
    return { begun: fresh.map((e) => e.id), fenced: [...fenced], stale };
  });
}

/** Outbound records already there for the (lead, step) pairs of a batch. */
async function existingAttempts({ db, dialect }: SqlContext, emails: readonly NewEmail[]) {
  const pairs = dialect.jsonRows(
    emails.map((e) => ({ lead_id: e.leadId, step_number: e.stepNumber })),
    { lead_id: "id", step_number: "int" },
  );
  return db
    .selectFrom("emails as e")
    .innerJoin(pairs.as("w"), (join) =>
      join.onRef("w.lead_id", "=", "e.lead_id").onRef("w.step_number", "=", "e.step_number"),
    )
    .selectAll("e")
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
