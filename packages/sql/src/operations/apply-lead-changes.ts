import type { LeadChange, LeadStatus, NewEvent, Suppression } from "@cadenza/core";
import { sql } from "kysely";
import { CounterBatch } from "../counters/counter-batch.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import { insertEvents } from "./append-events.js";
import { lockLeads } from "./lock-leads.js";
import { insertSuppressions } from "./suppress.js";

const FIELDS = [
  "status",
  "nextEmailAt",
  "pausedUntil",
  "lastError",
  "hasReplied",
  "repliedAt",
  "attempts",
] as const;

/**
 * Applies lead changes fenced on version, in one transaction: the leads are locked, each change
 * applies only if its lead still has `expectedVersion` (then the version moves on, so a second change
 * built on the same read conflicts), and lead counts, counters, suppressions and events are written
 * with it. One UPDATE for the whole batch.
 */
export function applyLeadChanges(
  ctx: SqlContext,
  changes: readonly LeadChange[],
): Promise<{ applied: string[]; conflicts: string[] }> {
  if (changes.length === 0) return Promise.resolve({ applied: [], conflicts: [] });
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const locked = await lockLeads(
      trx,
      changes.map((c) => c.leadId),
    );
    const applied: string[] = [];
    const conflicts: string[] = [];
    const merged = new Map<
      string,
      { from: LeadStatus; expected: number; version: number; set: LeadChange["set"]; at: Date }
    >();
    const counters = new CounterBatch();
    const suppressions: Suppression[] = [];
    const events: NewEvent[] = [];
    for (const change of changes) {
      const lead = locked.get(change.leadId);
      if (!lead || lead.version !== change.expectedVersion) {
        conflicts.push(change.leadId);
        continue;
      }
      const entry = merged.get(lead.id) ?? {
        from: lead.status,
        expected: lead.version,
        version: lead.version,
        set: {},
        at: change.event.at,
      };
      entry.set = { ...entry.set, ...definedFields(change.set) };
      entry.version = lead.version + 1;
      entry.at = change.event.at;
      merged.set(lead.id, entry);
      lead.version += 1;
      if (change.set.status !== undefined) lead.status = change.set.status;
      applied.push(change.leadId);
      counters.addDeltas(change.counters);
      if (change.suppress) {
        suppressions.push({
          email: change.suppress.email,
          reason: change.suppress.reason,
          campaignId: lead.campaignId,
          createdAt: change.event.at,
        });
      }
      events.push(change.event);
    }
    if (merged.size > 0) {
      const time = (d: Date | null | undefined) => (d ? d.toISOString() : null);
      const rows = [...merged].map(([id, m]) => ({
        id,
        expected: m.expected,
        version: m.version,
        at: m.at.toISOString(),
        has_status: "status" in m.set,
        status: m.set.status ?? null,
        has_next_email_at: "nextEmailAt" in m.set,
        next_email_at: time(m.set.nextEmailAt),
        has_paused_until: "pausedUntil" in m.set,
        paused_until: time(m.set.pausedUntil),
        has_last_error: "lastError" in m.set,
        last_error: m.set.lastError ?? null,
        has_has_replied: "hasReplied" in m.set,
        has_replied: m.set.hasReplied ?? false,
        has_replied_at: "repliedAt" in m.set,
        replied_at: time(m.set.repliedAt),
        has_attempts: "attempts" in m.set,
        attempts: m.set.attempts ?? 0,
      }));
      const v = dialect.jsonRows(rows, {
        id: "id",
        expected: "int",
        version: "int",
        at: "time",
        has_status: "bool",
        status: "text",
        has_next_email_at: "bool",
        next_email_at: "time",
        has_paused_until: "bool",
        paused_until: "time",
        has_last_error: "bool",
        last_error: "text",
        has_has_replied: "bool",
        has_replied: "bool",
        has_replied_at: "bool",
        replied_at: "time",
        has_attempts: "bool",
        attempts: "int",
      });
      const pick = <T>(flag: string, column: string) =>
        sql<T>`case when ${sql.ref(`v.${flag}`)} then ${sql.ref(`v.${column}`)} else ${sql.ref(`l.${column}`)} end`;
      await db
        .updateTable("campaign_leads as l")
        .from(v.as("v"))
        .set({
          status: pick("has_status", "status"),
          next_email_at: pick("has_next_email_at", "next_email_at"),
          paused_until: pick("has_paused_until", "paused_until"),
          last_error: pick("has_last_error", "last_error"),
          has_replied: pick("has_has_replied", "has_replied"),
          replied_at: pick("has_replied_at", "replied_at"),
          attempts: pick("has_attempts", "attempts"),
          version: sql`v.version`,
          updated_at: sql`v.at`,
        })
        .whereRef("l.id", "=", "v.id")
        .whereRef("l.version", "=", "v.expected")
        .execute();
      for (const [id, m] of merged) {
        const lead = locked.get(id);
        if (lead) counters.addLeadTransition(lead.campaignId, m.from, lead.status);
      }
    }
    await counters.flush(trx);
    if (suppressions.length > 0) await insertSuppressions(trx, suppressions);
    if (events.length > 0) await insertEvents(trx, events);
    return { applied, conflicts };
  });
}

function definedFields(set: LeadChange["set"]): LeadChange["set"] {
  return Object.fromEntries(
    Object.entries(set).filter(
      ([key, value]) => value !== undefined && (FIELDS as readonly string[]).includes(key),
    ),
  );
}
