import type { CampaignCounters } from "@cadenza/core";
import { describe, expect, it } from "vitest";
import type { SeededCampaign } from "../run/seed-campaigns.js";
import type { SinkLogEntry } from "../sink/sink-log.js";
import type { EmailRow, LeadRow, StoreSnapshot } from "../stores/store-snapshot.js";
import { type RunEvidence, verdictFails, verifyRun } from "./verify-run.js";

const campaign: SeededCampaign = {
  id: "c1",
  leads: 2,
  dailyLimit: 10,
  timezone: "UTC",
  hardBounces: 0,
  alwaysBusy: 0,
};

const lead = (id: string, patch: Partial<LeadRow> = {}): LeadRow => ({
  id,
  campaignId: "c1",
  status: "completed",
  currentStep: 3,
  nextEmailAt: null,
  leaseExpiresAt: null,
  lastError: null,
  ...patch,
});

const email = (leadId: string, stepNumber: number, status = "sent"): EmailRow => ({
  leadId,
  campaignId: "c1",
  stepNumber,
  status,
  idempotencyKey: `${leadId}:${stepNumber}`,
  counterDay: "2030-03-04",
});

const accepted = (key: string): SinkLogEntry => ({
  event: "accepted",
  key,
  messageId: `<${key}@sender.test>`,
  to: "gm@hotel.example",
  how: "accept",
  at: "2030-03-04T10:00:00.000Z",
});

function counters(sent: number, completed: number): CampaignCounters {
  return {
    campaignId: "c1",
    emailsSent: sent,
    emailsOpened: 0,
    repliesReceived: 0,
    leadsCount: 2,
    activeLeads: 0,
    completedLeads: completed,
    leadsByStatus: {
      active: 0,
      paused: 0,
      completed,
      replied: 0,
      bounced: 0,
      unsubscribed: 0,
      failed: 0,
    } as CampaignCounters["leadsByStatus"],
    steps: [],
  };
}

/** Two leads, each sent three steps, each accepted once: a healthy run to break one thing at a time. */
function healthy(): RunEvidence {
  const leads = [lead("l1"), lead("l2")];
  const emails = leads.flatMap((l) => [1, 2, 3].map((s) => email(l.id, s)));
  const snapshot: StoreSnapshot = {
    leads,
    emails,
    quotas: [{ key: "campaign:c1", day: "2030-03-04", used: 6 }],
    suppressed: new Set(),
    prospectEmailByLead: new Map([
      ["l1", "gm1@hotel.example"],
      ["l2", "gm2@hotel.example"],
    ]),
  };
  return {
    campaigns: [campaign],
    snapshot,
    sink: emails.map((e) => accepted(`${e.leadId}:${e.stepNumber}`)),
    audit: [],
    counters: [counters(6, 2)],
  };
}

describe("verifyRun", () => {
  it("passes a run where every step was accepted once and recorded sent", () => {
    const verdict = verifyRun(healthy());
    expect(verdict).toMatchObject({ leads: 2, duplicates: 0, lost: 0, sent: 6, completed: 2 });
    expect(verdict.problems).toEqual([]);
    expect(verdictFails(verdict)).toBe(false);
  });

  it("counts a step the sink accepted twice as a duplicate", () => {
    const evidence = healthy();
    evidence.sink = [...evidence.sink, accepted("l1:2")];
    const verdict = verifyRun(evidence);
    expect(verdict.duplicates).toBe(1);
    expect(verdictFails(verdict)).toBe(true);
  });

  it("counts a send the sink accepted but the store does not hold as lost", () => {
    const evidence = healthy();
    evidence.snapshot.emails = evidence.snapshot.emails.filter(
      (e) => !(e.leadId === "l2" && e.stepNumber === 3),
    );
    evidence.counters = [counters(5, 2)];
    const verdict = verifyRun(evidence);
    expect(verdict.lost).toBe(2); // accepted but unrecorded, and a passed step without a record
    expect(verdict.problems.some((p) => p.startsWith("accepted-not-recorded"))).toBe(true);
  });

  it("counts a record marked sent that the sink never accepted as lost", () => {
    const evidence = healthy();
    evidence.sink = evidence.sink.filter((e) => e.key !== "l1:1");
    expect(verifyRun(evidence).lost).toBe(1);
  });

  it("accepts an unknown outcome once, accepted or not, and counts it", () => {
    const evidence = healthy();
    evidence.snapshot.emails = evidence.snapshot.emails.map((e) =>
      e.leadId === "l1" && e.stepNumber === 2 ? { ...e, status: "unknown" } : e,
    );
    const verdict = verifyRun(evidence);
    expect(verdict).toMatchObject({ unknown: 1, unknownAccepted: 1, lost: 0 });
    expect(verdictFails(verdict)).toBe(false);
  });

  it("flags a day over the limit, a failed lead without a reason and counters that differ", () => {
    const evidence = healthy();
    evidence.campaigns = [{ ...campaign, dailyLimit: 5 }];
    evidence.snapshot.leads[1] = lead("l2", { status: "failed", lastError: null });
    const verdict = verifyRun(evidence);
    expect(verdict.overLimit).toBe(2); // the records of the day and its quota row
    expect(verdict.problems.some((p) => p.startsWith("failed-without-reason"))).toBe(true);
    expect(verdict.problems.some((p) => p.startsWith("lead-counts-differ"))).toBe(true);
  });

  it("flags an active lead with no next send as lost, and audit findings", () => {
    const evidence = healthy();
    evidence.snapshot.leads[0] = lead("l1", { status: "active", currentStep: 3, nextEmailAt: null });
    evidence.audit = [{ check: "orphaned_sending", description: "", rows: [{ id: "e1" }] }];
    const verdict = verifyRun(evidence);
    expect(verdict.lost).toBe(1);
    expect(verdict.auditFindings).toBe(1);
  });

  it("lets a never-accepting address move on only when every step it passed went unknown", () => {
    const evidence = healthy();
    evidence.snapshot.prospectEmailByLead.set("l2", "nobody2@hotel.example");
    evidence.sink = evidence.sink.filter((e) => !e.key?.startsWith("l2:"));
    expect(verifyRun(evidence).problems.some((p) => p.startsWith("refused-address-moved-on"))).toBe(true);
    evidence.snapshot.emails = evidence.snapshot.emails.map((e) =>
      e.leadId === "l2" ? { ...e, status: "unknown" } : e,
    );
    const verdict = verifyRun(evidence);
    expect(verdict.problems).toEqual([]);
    expect(verdict.unknown).toBe(3);
  });
});
