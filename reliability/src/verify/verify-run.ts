import type { AuditFinding, CampaignCounters } from "@cadenza/core";
import type { SeededCampaign } from "../run/seed-campaigns.js";
import { STEPS } from "../run/seed-campaigns.js";
import type { SinkLogEntry } from "../sink/sink-log.js";
import { acceptedByKey } from "../sink/sink-log.js";
import { ALWAYS_BUSY_PREFIX, HARD_BOUNCE_PREFIX } from "../sink/smtp-sink-faults.js";
import type { EmailRow, StoreSnapshot } from "../stores/store-snapshot.js";

/** What a run came to: the numbers of the summary line and every problem found, in words. */
export interface RunVerdict {
  leads: number;
  /** Extra acceptances by the sink of a (lead, step) it had already accepted. */
  duplicates: number;
  /** Email records left `unknown` (may or may not have left); never re-sent. */
  unknown: number;
  /** Of those, how many the sink did accept. */
  unknownAccepted: number;
  /** (lead, step) pairs or leads the engine lost track of: see `problems`. */
  lost: number;
  auditFindings: number;
  /** Accepted by the sink and recorded sent. */
  sent: number;
  bounced: number;
  failed: number;
  completed: number;
  /** Leads still active (scheduled, e.g. waiting for a retry or for tomorrow's quota). */
  scheduled: number;
  /** Campaign days whose sends passed the campaign's daily limit. */
  overLimit: number;
  /** Every failed check, one line each (the first few of each kind). */
  problems: string[];
}

/** Everything the verifier compares. */
export interface RunEvidence {
  campaigns: readonly SeededCampaign[];
  snapshot: StoreSnapshot;
  sink: readonly SinkLogEntry[];
  audit: readonly AuditFinding[];
  counters: readonly CampaignCounters[];
}

const DELIVERED = new Set(["sent", "opened", "replied"]);

const keyOf = (e: EmailRow) => e.idempotencyKey ?? `${e.leadId}:${e.stepNumber}`;

/**
 * Checks a finished run against the guarantees: no (lead, step) accepted twice by the sink; every
 * (lead, step) a lead passed is recorded sent (and accepted exactly once) or unknown; nothing the
 * sink accepted is missing from the records; every lead finished or still scheduled; no campaign day
 * over its limit; counters equal to the records; an empty audit.
 */
export function verifyRun(evidence: RunEvidence): RunVerdict {
  const { snapshot, campaigns } = evidence;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const problem = (kind: string, text: string) => {
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n <= 3) problems.push(`${kind}: ${text}`);
    else if (n === 4) problems.push(`${kind}: … more`);
  };
  const accepted = acceptedByKey(evidence.sink);
  const ours = new Set(campaigns.map((c) => c.id));
  const leads = snapshot.leads.filter((l) => ours.has(l.campaignId));
  const emails = snapshot.emails.filter((e) => ours.has(e.campaignId));
  const verdict: RunVerdict = {
    leads: leads.length,
    duplicates: 0,
    unknown: 0,
    unknownAccepted: 0,
    lost: 0,
    auditFindings: evidence.audit.length,
    sent: 0,
    bounced: 0,
    failed: 0,
    completed: 0,
    scheduled: 0,
    overLimit: 0,
    problems,
  };
  for (const finding of evidence.audit)
    problem("audit", `${finding.check}: ${JSON.stringify(finding.rows.slice(0, 2))}`);

  for (const [key, n] of accepted) {
    if (n > 1) {
      verdict.duplicates += n - 1;
      problem("duplicate", `${key} accepted ${n} times`);
    }
  }

  const emailsByKey = new Map<string, EmailRow>();
  for (const email of emails) {
    const key = keyOf(email);
    emailsByKey.set(key, email);
    const times = accepted.get(key) ?? 0;
    if (DELIVERED.has(email.status)) {
      verdict.sent++;
      if (times === 0) {
        verdict.lost++;
        problem("recorded-not-accepted", `${key} is recorded ${email.status} but the sink never accepted it`);
      }
    } else if (email.status === "unknown") {
      verdict.unknown++;
      if (times > 0) verdict.unknownAccepted++;
    } else if (email.status === "bounced") {
      if (times > 0) problem("bounced-but-accepted", `${key} is recorded bounced but the sink accepted it`);
    } else {
      verdict.lost++;
      problem("left-in-flight", `${key} is still ${email.status}`);
    }
  }
  const leadIds = new Set(leads.map((l) => l.id));
  for (const key of accepted.keys()) {
    const leadId = key.slice(0, key.lastIndexOf(":"));
    if (!leadIds.has(leadId)) continue;
    const email = emailsByKey.get(key);
    if (!email || !(DELIVERED.has(email.status) || email.status === "unknown")) {
      verdict.lost++;
      problem(
        "accepted-not-recorded",
        `${key} was accepted by the sink but is recorded ${email?.status ?? "nowhere"}`,
      );
    }
  }

  const emailsByLead = new Map<string, Map<number, EmailRow>>();
  for (const email of emails) {
    const steps = emailsByLead.get(email.leadId) ?? new Map<number, EmailRow>();
    steps.set(email.stepNumber, email);
    emailsByLead.set(email.leadId, steps);
  }
  for (const lead of leads) {
    const steps = emailsByLead.get(lead.id) ?? new Map<number, EmailRow>();
    const address = snapshot.prospectEmailByLead.get(lead.id) ?? "";
    for (let step = 1; step <= lead.currentStep; step++) {
      const email = steps.get(step);
      if (!email || !(DELIVERED.has(email.status) || email.status === "unknown")) {
        verdict.lost++;
        problem(
          "step-passed-unrecorded",
          `lead ${lead.id} passed step ${step}, recorded ${email?.status ?? "nowhere"}`,
        );
      }
    }
    switch (lead.status) {
      case "completed":
        verdict.completed++;
        if (lead.currentStep !== STEPS)
          problem("bad-completion", `lead ${lead.id} completed at step ${lead.currentStep}`);
        break;
      case "bounced": {
        verdict.bounced++;
        const bounce = steps.get(lead.currentStep + 1);
        if (bounce?.status !== "bounced")
          problem("bounce-unrecorded", `lead ${lead.id} bounced without a bounced email`);
        if (!snapshot.suppressed.has(address))
          problem("bounce-not-suppressed", `${address} bounced but is not suppressed`);
        break;
      }
      case "failed":
        verdict.failed++;
        if (!lead.lastError) problem("failed-without-reason", `lead ${lead.id} failed with no reason`);
        break;
      case "active":
        verdict.scheduled++;
        if (lead.nextEmailAt === null) {
          verdict.lost++;
          problem("active-unscheduled", `lead ${lead.id} is active with no next send`);
        }
        break;
      default:
        problem("unexpected-status", `lead ${lead.id} is ${lead.status}`);
    }
    // An address the sink always refuses ends bounced (or failed, when busy), unless every step it
    // passed went unknown (its batch was cut off by a kill or a stall): then it may have moved on.
    const expected = address.startsWith(HARD_BOUNCE_PREFIX)
      ? ["bounced"]
      : address.startsWith(ALWAYS_BUSY_PREFIX)
        ? ["failed", "active"]
        : null;
    const allUnknown = [...steps.values()].every((e) => e.status !== "sent" && e.status !== "opened");
    if (expected && !expected.includes(lead.status) && !allUnknown)
      problem("refused-address-moved-on", `${address} is ${lead.status} with a step recorded sent`);
  }

  for (const campaign of campaigns) {
    const byDay = new Map<string, number>();
    for (const email of emails) {
      if (email.campaignId !== campaign.id || email.counterDay === null) continue;
      byDay.set(email.counterDay, (byDay.get(email.counterDay) ?? 0) + 1);
    }
    for (const [day, n] of byDay) {
      if (n > campaign.dailyLimit) {
        verdict.overLimit++;
        problem(
          "over-daily-limit",
          `campaign ${campaign.id} recorded ${n} sends on ${day} (limit ${campaign.dailyLimit})`,
        );
      }
    }
    for (const quota of snapshot.quotas) {
      if (quota.key === `campaign:${campaign.id}` && quota.used > campaign.dailyLimit) {
        verdict.overLimit++;
        problem("over-daily-quota", `campaign ${campaign.id} reserved ${quota.used} on ${quota.day}`);
      }
    }
    const counters = evidence.counters.find((c) => c.campaignId === campaign.id);
    const records = emails.filter((e) => e.campaignId === campaign.id).length;
    if (!counters) problem("counters-missing", `campaign ${campaign.id} has no counters`);
    else {
      if (counters.emailsSent !== records)
        problem(
          "counters-differ",
          `campaign ${campaign.id} counts ${counters.emailsSent} sent, records ${records}`,
        );
      const mine = leads.filter((l) => l.campaignId === campaign.id);
      for (const [status, n] of Object.entries(counters.leadsByStatus)) {
        const actual = mine.filter((l) => l.status === status).length;
        if (n !== actual)
          problem("lead-counts-differ", `campaign ${campaign.id} counts ${n} ${status}, rows ${actual}`);
      }
    }
  }
  return verdict;
}

/** Whether a verdict breaks a guarantee (any duplicate, loss, finding, day over its limit or problem). */
export function verdictFails(verdict: RunVerdict): boolean {
  return (
    verdict.duplicates > 0 ||
    verdict.lost > 0 ||
    verdict.auditFindings > 0 ||
    verdict.overLimit > 0 ||
    verdict.problems.length > 0
  );
}
