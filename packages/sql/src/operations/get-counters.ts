import {
  CadenzaError,
  type CampaignCounters,
  emptyStepCounters,
  LEAD_STATUSES,
  type LeadStatus,
  type StepVariantCounters,
  type VariantName,
} from "@cadenza/core";
import { readCounters } from "../counters/counter-columns.js";
import { readNumber } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/**
 * A campaign's counters, read from its counter rows (never recounted from emails or leads). Every
 * step has a row for variant A, and for B when the step has B content or B counts.
 */
export async function getCounters(
  { db, dialect }: SqlContext,
  campaignId: string,
): Promise<CampaignCounters> {
  const campaign = dialect.isId(campaignId)
    ? await db
        .selectFrom("campaigns")
        .select([
          "emails_sent",
          "emails_opened",
          "replies_received",
          "leads_count",
          "active_leads",
          "completed_leads",
        ])
        .where("id", "=", campaignId)
        .executeTakeFirst()
    : undefined;
  if (!campaign) {
    throw new CadenzaError("NOT_FOUND", {
      message: `Campaign ${campaignId} not found`,
      details: { campaignId },
    });
  }
  const [statuses, rows, steps] = await Promise.all([
    db
      .selectFrom("campaign_lead_counts")
      .select(["status", "leads"])
      .where("campaign_id", "=", campaignId)
      .execute(),
    db.selectFrom("step_variant_counters").selectAll().where("campaign_id", "=", campaignId).execute(),
    db
      .selectFrom("campaign_sequences")
      .select(["step_number", "variant_b_body"])
      .where("campaign_id", "=", campaignId)
      .execute(),
  ]);
  const leadsByStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<LeadStatus, number>;
  for (const s of statuses) leadsByStatus[s.status as LeadStatus] = readNumber(s.leads);

  const byKey = new Map<string, StepVariantCounters>();
  const put = (stepNumber: number, variant: VariantName) => {
    const key = `${stepNumber}:${variant}`;
    if (!byKey.has(key)) byKey.set(key, { stepNumber, variant, ...emptyStepCounters() });
  };
  for (const step of steps) {
    put(step.step_number, "A");
    if (step.variant_b_body !== null) put(step.step_number, "B");
  }
  for (const row of rows) {
    byKey.set(`${row.step_number}:${row.variant}`, {
      stepNumber: row.step_number,
      variant: row.variant as VariantName,
      ...readCounters(row),
    });
  }
  return {
    campaignId,
    emailsSent: readNumber(campaign.emails_sent),
    emailsOpened: readNumber(campaign.emails_opened),
    repliesReceived: readNumber(campaign.replies_received),
    leadsCount: readNumber(campaign.leads_count),
    activeLeads: readNumber(campaign.active_leads),
    completedLeads: readNumber(campaign.completed_leads),
    leadsByStatus,
    steps: [...byKey.values()].sort(
      (a, b) => a.stepNumber - b.stepNumber || (a.variant < b.variant ? -1 : 1),
    ),
  };
}
