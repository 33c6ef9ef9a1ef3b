import { STEP_COUNTER_FIELDS, type StepCounterField } from "../../analytics/counters.js";
import { isTerminalStatus } from "../../lead/lead.js";
import type { AuditFinding } from "../../ports.js";
import type { MemoryTables } from "./memory-tables.js";

/** The integrity checks over the in-memory tables; the same checks the SQL stores run in SQL. */
export function auditTables(t: MemoryTables): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const add = (check: string, description: string, rows: Record<string, unknown>[]) => {
    if (rows.length > 0) findings.push({ check, description, rows });
  };
  const campaigns = [...t.campaigns.values()];
  const leads = [...t.leads.values()];
  const outbound = [...t.emails.values()].filter((e) => e.direction === "outbound");

  add(
    "invalid_lead_counts",
    "campaigns.leads_count differs from the campaign's leads",
    campaigns.flatMap((c) => {
      const actual = leads.filter((l) => l.campaignId === c.id).length;
      const stored = t.totalsOf(c.id).leadsCount;
      return stored === actual ? [] : [{ id: c.id, leads_count: stored, actual }];
    }),
  );
  add(
    "stale_metrics",
    "campaigns.emails_sent differs from the campaign's outbound emails",
    campaigns.flatMap((c) => {
      const actual = outbound.filter((e) => e.campaignId === c.id).length;
      const stored = t.totalsOf(c.id).emailsSent;
      return stored === actual ? [] : [{ id: c.id, emails_sent: stored, actual_sent: actual }];
    }),
  );
  add(
    "negative_metrics",
    "a step counter below zero",
    [...t.stepCounters.entries()].flatMap(([key, counters]) =>
      STEP_COUNTER_FIELDS.some((f: StepCounterField) => counters[f] < 0) ? [{ key, ...counters }] : [],
    ),
  );
  add(
    "opens_exceed_sends",
    "more unique opens than sends for a step and variant",
    [...t.stepCounters.entries()].flatMap(([key, c]) =>
      c.opens > c.sent ? [{ key, sent: c.sent, opens: c.opens }] : [],
    ),
  );
  add(
    "invalid_next_email_at",
    "a finished lead still has a next send",
    leads
      .filter((l) => isTerminalStatus(l.status) && l.nextEmailAt !== null)
      .map((l) => ({ id: l.id, status: l.status })),
  );
  add(
    "step_past_end",
    "a lead's current step is past the campaign's last step",
    leads.flatMap((l) => {
      const steps = t.campaigns.get(l.campaignId)?.steps.length ?? 0;
      return l.currentStep > steps ? [{ id: l.id, current_step: l.currentStep, sequence_count: steps }] : [];
    }),
  );
  add(
    "counters_differ_from_emails",
    "a step/variant sent counter differs from its email records",
    [...t.stepCounters.entries()].flatMap(([key, c]) => {
      const [campaignId, step, variant] = key.split("|");
      const actual = outbound.filter(
        (e) => e.campaignId === campaignId && String(e.stepNumber) === step && e.variant === variant,
      ).length;
      return c.sent === actual ? [] : [{ key, sent: c.sent, actual }];
    }),
  );
  add(
    "lease_on_finished_lead",
    "a finished lead is still leased",
    leads
      .filter((l) => isTerminalStatus(l.status) && l.leaseToken !== null)
      .map((l) => ({ id: l.id, status: l.status })),
  );
  return findings;
}
