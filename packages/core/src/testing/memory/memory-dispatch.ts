import type { CounterDelta } from "../../analytics/counters.js";
import { sendingRecord } from "../../dispatch/email-record.js";
import type {
  BeginSendsResult,
  ClaimedLead,
  ClaimRequest,
  CompleteSendsResult,
  EngagementResult,
  EngagementWrite,
  LeadChange,
  LeadRelease,
  LeaseRenewal,
  NewEmail,
  SendOutcomeWrite,
} from "../../ports.js";
import { clone, type EmailRow, type LeadRow, type MemoryTables } from "./memory-tables.js";

function leaseIsLive(lead: LeadRow, now: Date): boolean {
  return (
    lead.leaseToken !== null && lead.leaseExpiresAt !== null && lead.leaseExpiresAt.getTime() > now.getTime()
  );
}

export function claimDueLeads(tables: MemoryTables, request: ClaimRequest): ClaimedLead[] {
  let granted = request.limit;
  for (const q of request.quotas) {
    granted = Math.min(granted, q.limit - (tables.quotas.get(`${q.key}|${q.day}`) ?? 0));
  }
  const mailbox = request.pacing ? tables.mailboxes.get(request.pacing.mailboxId) : undefined;
  if (request.pacing) {
    if (mailbox?.nextFreeAt && mailbox.nextFreeAt.getTime() > request.now.getTime()) return [];
    granted = Math.min(granted, 1);
  }
  if (granted <= 0) return [];
  const now = request.now.getTime();
  const due: LeadRow[] = [];
  for (const lead of tables.leads.values()) {
    if (lead.campaignId !== request.campaignId || lead.status !== "active") continue;
    if (lead.nextEmailAt === null || lead.nextEmailAt.getTime() > now) continue;
    if (request.mailboxId !== undefined && lead.mailboxId !== request.mailboxId) continue;
    if (leaseIsLive(lead, request.now)) continue;
    due.push(lead);
  }
  due.sort((a, b) => a.nextEmailAt!.getTime() - b.nextEmailAt!.getTime() || (a.id < b.id ? -1 : 1));
  const claimed = due.slice(0, granted);
  if (claimed.length === 0) return [];
  for (const q of request.quotas) {
    const key = `${q.key}|${q.day}`;
    tables.quotas.set(key, (tables.quotas.get(key) ?? 0) + claimed.length);
  }
  if (mailbox && request.pacing) mailbox.nextFreeAt = request.pacing.nextFreeAt;
  return claimed.map((lead) => {
    lead.leaseToken = request.leaseToken;
    lead.leaseExpiresAt = request.leaseExpiresAt;
    const { leaseToken: _t, leaseExpiresAt: _e, ...plain } = lead;
    const prospect = tables.prospects.get(lead.prospectId)!;
    return {
      lead: clone(plain),
      prospect: clone(prospect),
      leaseToken: request.leaseToken,
      quotas: request.quotas.map((q) => ({ key: q.key, day: q.day })),
    };
  });
}

export function beginSends(tables: MemoryTables, emails: NewEmail[], now: Date): BeginSendsResult {
  const result: BeginSendsResult = { begun: [], fenced: [], stale: [] };
  const deltas: CounterDelta[] = [];
  for (const e of emails) {
    const lead = tables.leads.get(e.leadId);
    if (!lead || lead.leaseToken !== e.leaseToken || !leaseIsLive(lead, now)) {
      result.fenced.push(e.leadId);
      continue;
    }
    const pair = `${e.leadId}|${e.stepNumber}`;
    const existingId = tables.emailByLeadStep.get(pair);
    if (existingId) {
      const existing = tables.emails.get(existingId)!;
      if (existing.status === "sending" && existing.leaseToken !== e.leaseToken) {
        existing.status = "unknown";
        const d = tables.sentDelta(existing, "unknown", 1);
        if (d) deltas.push(d);
      }
      const { leaseToken: _l, ...record } = existing;
      result.stale.push(clone(record));
      continue;
    }
    const row: EmailRow = { ...sendingRecord(e, now), leaseToken: e.leaseToken };
    tables.emails.set(row.id, row);
    tables.emailByLeadStep.set(pair, row.id);
    const d = tables.sentDelta(row, "sent", 1);
    if (d) deltas.push(d);
    result.begun.push(row.id);
  }
  tables.applyCounters(deltas);
  return result;
}

export function completeSends(tables: MemoryTables, outcomes: SendOutcomeWrite[]): CompleteSendsResult {
  const result: CompleteSendsResult = { applied: [], fenced: [] };
  for (const o of outcomes) {
    const lead = tables.leads.get(o.leadId);
    if (!lead || lead.leaseToken !== o.leaseToken) {
      result.fenced.push(o.leadId);
      continue;
    }
    giveBackQuotas(tables, o.returnQuotas ?? []);
    const email = tables.emails.get(o.emailId);
    if (email) {
      if (o.kind === "sent") {
        email.status = "sent";
        email.sentAt = o.at;
        email.response = o.response;
        if (o.providerMessageId) email.providerMessageId = o.providerMessageId;
      } else if (o.kind === "bounced") {
        email.status = "bounced";
        email.bouncedAt = o.at;
        email.response = o.response;
      } else if (o.kind === "retry") {
        tables.emails.delete(email.id);
        if (email.stepNumber !== null) tables.emailByLeadStep.delete(`${email.leadId}|${email.stepNumber}`);
        const d = tables.sentDelta(email, "sent", -1);
        if (d) tables.applyCounters([d]);
      } else {
        if (email.status === "sending") email.status = "unknown";
        email.response ??= o.response;
      }
    }
    const from = lead.status;
    lead.currentStep = o.lead.currentStep;
    lead.lastEmailAt = o.lead.lastEmailAt;
    lead.emailsSent = o.lead.emailsSent;
    lead.assignedVariant = o.lead.assignedVariant;
    lead.attempts = o.lead.attempts;
    // A lead whose status changed mid-send (a reply, a pause) keeps its status, next send and reason.
    if (from === "active") {
      lead.status = o.lead.status;
      lead.nextEmailAt = o.lead.nextEmailAt;
      lead.lastError = o.lead.lastError;
    }
    lead.leaseToken = null;
    lead.leaseExpiresAt = null;
    lead.version += 1;
    lead.updatedAt = o.at;
    tables.moveLeadCounts(lead.campaignId, from, lead.status);
    tables.applyCounters(o.counters);
    if (o.suppress) tables.suppress({ ...o.suppress, campaignId: lead.campaignId, createdAt: o.at });
    if (o.flagMailbox) {
      const mailbox = tables.mailboxes.get(o.flagMailbox.mailboxId);
      if (mailbox) {
        mailbox.flaggedAt = o.at;
        mailbox.flagReason = o.flagMailbox.reason;
      }
    }
    tables.events.push(clone(o.event));
    result.applied.push(o.leadId);
  }
  return result;
}

export function releaseLeads(tables: MemoryTables, releases: LeadRelease[], now: Date): void {
  for (const r of releases) {
    giveBackQuotas(tables, r.quotas);
    const lead = tables.leads.get(r.leadId);
    if (!lead || lead.leaseToken !== r.leaseToken) continue;
    lead.leaseToken = null;
    lead.leaseExpiresAt = null;
    if (r.nextEmailAt && lead.status === "active") {
      lead.nextEmailAt = r.nextEmailAt;
      lead.version += 1;
    }
    if (r.pause && lead.status === "active") {
      lead.status = "paused";
      lead.nextEmailAt = null;
      lead.lastError = r.pause.reason;
      lead.version += 1;
      tables.moveLeadCounts(lead.campaignId, "active", "paused");
    }
    lead.updatedAt = now;
  }
}

export function renewLeases(tables: MemoryTables, renewal: LeaseRenewal): string[] {
  const renewed: string[] = [];
  for (const id of renewal.leadIds) {
    const lead = tables.leads.get(id);
    if (!lead || lead.leaseToken === null || lead.leaseToken !== renewal.leaseToken) continue;
    lead.leaseExpiresAt = new Date(renewal.leaseExpiresAt);
    renewed.push(id);
  }
  return renewed;
}

export function applyLeadChanges(
  tables: MemoryTables,
  changes: LeadChange[],
): { applied: string[]; conflicts: string[] } {
  const applied: string[] = [];
  const conflicts: string[] = [];
  for (const c of changes) {
    const lead = tables.leads.get(c.leadId);
    if (!lead || lead.version !== c.expectedVersion) {
      conflicts.push(c.leadId);
      continue;
    }
    const from = lead.status;
    Object.assign(lead, c.set);
    lead.version += 1;
    lead.updatedAt = c.event.at;
    tables.moveLeadCounts(lead.campaignId, from, lead.status);
    tables.applyCounters(c.counters);
    if (c.suppress) tables.suppress({ ...c.suppress, campaignId: lead.campaignId, createdAt: c.event.at });
    tables.events.push(clone(c.event));
    applied.push(c.leadId);
  }
  return { applied, conflicts };
}

export function recordEngagements(tables: MemoryTables, engagements: EngagementWrite[]): EngagementResult[] {
  return engagements.map((e) => {
    const email = tables.emails.get(e.emailId);
    if (email?.direction !== "outbound") {
      return { emailId: e.emailId, found: false, firstHuman: false, firstMachine: false };
    }
    const deltas: CounterDelta[] = [];
    const add = (field: Parameters<MemoryTables["sentDelta"]>[1]) => {
      const d = tables.sentDelta(email, field, 1);
      if (d) deltas.push({ ...d, day: e.day });
    };
    let firstHuman = false;
    let firstMachine = false;
    if (e.machine) {
      if (email.machineOpenedAt === null) {
        email.machineOpenedAt = e.at;
        firstMachine = true;
        add("machineOpens");
      }
    } else {
      if (email.openedAt === null) {
        email.openedAt = e.at;
        if (email.status === "sent") email.status = "opened";
        add("opens");
        const lead = email.leadId ? tables.leads.get(email.leadId) : undefined;
        if (lead) lead.emailsOpened += 1;
        firstHuman = e.kind === "open";
      }
      if (e.kind === "click" && email.clickedAt === null) {
        email.clickedAt = e.at;
        firstHuman = true;
        add("clicks");
      }
    }
    tables.applyCounters(deltas);
    tables.events.push({
      id: e.eventId,
      kind: e.kind === "open" ? "opened" : "clicked",
      campaignId: email.campaignId,
      leadId: email.leadId,
      emailId: email.id,
      at: e.at,
      data: { machine: e.machine, url: e.url ?? null, userAgent: e.userAgent ?? null },
    });
    return { emailId: e.emailId, found: true, firstHuman, firstMachine };
  });
}

export function recoverAbandonedSends(tables: MemoryTables, now: Date, limit: number): EmailRow[] {
  const recovered: EmailRow[] = [];
  for (const email of tables.emails.values()) {
    if (recovered.length >= limit) break;
    if (
      email.direction !== "outbound" ||
      email.status !== "sending" ||
      !email.leadId ||
      email.stepNumber === null
    )
      continue;
    const lead = tables.leads.get(email.leadId);
    if (!lead || lead.status === "active" || lead.leaseToken !== email.leaseToken || leaseIsLive(lead, now))
      continue;
    email.status = "unknown";
    const d = tables.sentDelta(email, "unknown", 1);
    if (d) tables.applyCounters([d]);
    lead.currentStep = Math.max(lead.currentStep, email.stepNumber);
    lead.emailsSent += 1;
    lead.lastEmailAt = email.createdAt;
    lead.leaseToken = null;
    lead.leaseExpiresAt = null;
    lead.version += 1;
    lead.updatedAt = now;
    recovered.push(email);
  }
  return recovered.map((e) => clone(e));
}

/** Takes one send off each quota, never below zero. */
function giveBackQuotas(tables: MemoryTables, quotas: readonly { key: string; day: string }[]): void {
  for (const q of quotas) {
    const key = `${q.key}|${q.day}`;
    tables.quotas.set(key, Math.max(0, (tables.quotas.get(key) ?? 0) - 1));
  }
}
