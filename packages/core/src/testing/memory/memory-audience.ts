import type { Prospect } from "../../audience/prospect.js";
import type {
  AudiencePreview,
  AudiencePreviewRequest,
  EnrollRequest,
  EnrollResult,
  EnrollSkipReason,
} from "../../ports.js";
import type { LeadRow, MemoryTables } from "./memory-tables.js";
import { compareProspects, looksLikeAddress, matchesFilter } from "./prospect-filter-match.js";

const DAY_MS = 86_400_000;

type Stage = EnrollSkipReason | null;

/** The first rule a matching prospect fails, in the order the preview counts narrow. */
function firstFailure(
  tables: MemoryTables,
  prospect: Prospect,
  request: { campaignId: string; rules: AudiencePreviewRequest["rules"]; now: Date },
): Stage {
  if (prospect.email === null || prospect.email === "") return "no_email";
  if (!looksLikeAddress(prospect.email)) return "invalid_email";
  if (tables.suppressions.has(prospect.email.toLowerCase())) return "suppressed";
  if (tables.leadByPair.has(`${request.campaignId}|${prospect.id}`)) return "already_enrolled";
  if (request.rules.excludeActiveInOtherCampaigns) {
    for (const lead of tables.leads.values()) {
      if (
        lead.prospectId === prospect.id &&
        lead.campaignId !== request.campaignId &&
        (lead.status === "active" || lead.status === "paused")
      ) {
        return "active_in_other_campaign";
      }
    }
  }
  const days = request.rules.excludeContactedWithinDays;
  if (days !== undefined) {
    const since = request.now.getTime() - days * DAY_MS;
    for (const email of tables.emails.values()) {
      if (
        email.direction === "outbound" &&
        email.prospectId === prospect.id &&
        email.createdAt.getTime() >= since
      ) {
        return "recently_contacted";
      }
    }
  }
  return null;
}

function matching(tables: MemoryTables, filter: AudiencePreviewRequest["filter"]): Prospect[] {
  return [...tables.prospects.values()].filter((p) => matchesFilter(p, filter)).sort(compareProspects);
}

export function previewAudience(tables: MemoryTables, request: AudiencePreviewRequest): AudiencePreview {
  const rows = matching(tables, request.filter);
  const order: (EnrollSkipReason | null)[] = [
    "no_email",
    "suppressed",
    "already_enrolled",
    "active_in_other_campaign",
    "recently_contacted",
    null,
  ];
  const counts = new Map<EnrollSkipReason | null, number>();
  const eligible: Prospect[] = [];
  for (const p of rows) {
    let stage = firstFailure(tables, p, request);
    if (stage === "invalid_email") stage = "no_email";
    counts.set(stage, (counts.get(stage) ?? 0) + 1);
    if (stage === null) eligible.push(p);
  }
  // Each count is the prospects that passed every earlier stage.
  let remaining = rows.length;
  const after: number[] = [];
  for (const stage of order) {
    if (stage === null) break;
    remaining -= counts.get(stage) ?? 0;
    after.push(remaining);
  }
  return {
    matching: rows.length,
    withValidEmail: after[0] ?? 0,
    notSuppressed: after[1] ?? 0,
    notInCampaign: after[2] ?? 0,
    notActiveElsewhere: after[3] ?? 0,
    notRecentlyContacted: after[4] ?? 0,
    enrollable: eligible.length,
    sample: structuredClone(eligible.slice(0, request.sampleSize)),
  };
}

export function enrollProspects(tables: MemoryTables, request: EnrollRequest): EnrollResult {
  const reasons: Partial<Record<EnrollSkipReason, number>> = {};
  const skip = (reason: EnrollSkipReason, n = 1) => {
    reasons[reason] = (reasons[reason] ?? 0) + n;
  };
  if (request.filter.ids) {
    for (const id of new Set(request.filter.ids)) {
      const p = tables.prospects.get(id);
      if (!p) skip("not_found");
      else if (p.archived !== request.filter.archived) skip("archived");
    }
  }
  const rows = matching(tables, request.filter);
  const leadIds: string[] = [];
  for (const prospect of rows) {
    const failure = firstFailure(tables, prospect, request);
    if (failure) {
      skip(failure);
      continue;
    }
    const mailboxId =
      request.mailboxIds.length > 0
        ? (request.mailboxIds[leadIds.length % request.mailboxIds.length] ?? null)
        : null;
    const lead: LeadRow = {
      id: request.newId(),
      campaignId: request.campaignId,
      prospectId: prospect.id,
      mailboxId,
      currentStep: 0,
      status: "active",
      assignedVariant: request.variant,
      lastEmailAt: null,
      nextEmailAt: request.firstEmailAt,
      emailsSent: 0,
      emailsOpened: 0,
      hasReplied: false,
      repliedAt: null,
      addedBy: request.addedBy,
      notes: null,
      attempts: 0,
      lastError: null,
      pausedUntil: null,
      version: 0,
      createdAt: request.now,
      updatedAt: request.now,
      leaseToken: null,
      leaseExpiresAt: null,
    };
    tables.leads.set(lead.id, lead);
    tables.leadByPair.set(`${lead.campaignId}|${lead.prospectId}`, lead.id);
    tables.moveLeadCounts(lead.campaignId, null, "active");
    leadIds.push(lead.id);
  }
  const skipped = Object.values(reasons).reduce((a, b) => a + (b ?? 0), 0);
  return { added: leadIds.length, skipped, reasons, leadIds };
}
