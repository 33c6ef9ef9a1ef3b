import {
  CadenzaError,
  type CampaignCounters,
  LEAD_STATUSES,
  type LeadStatus,
  type StepVariantCounters,
  type VariantName,
} from "@cadenza/core";
import { readCounters } from "../counters/counter-columns.js";
import { readNumber } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/**
 * A campaign's counters, read from its counter rows (never recounted from emails or leads): the
 * campaign's audit columns, leads per status, and one entry per (step, variant) that has counted.
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
  const [statuses, rows] = await Promise.all([
    db
      .selectFrom("campaign_lead_counts")
      .select(["status", "leads"])
      .where("campaign_id", "=", campaignId)
      .execute(),
    db
      .selectFrom("step_variant_counters")
      .selectAll()
      .where("campaign_id", "=", campaignId)
      .orderBy("step_number")
      .orderBy("variant")
      .execute(),
  ]);
  const leadsByStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<LeadStatus, number>;
  for (const s of statuses) leadsByStatus[s.status as LeadStatus] = readNumber(s.leads);
  const steps: StepVariantCounters[] = rows.map((row) => ({
    stepNumber: row.step_number,
    variant: row.variant as VariantName,
    ...readCounters(row),
  }));
  return {
    campaignId,
    emailsSent: readNumber(campaign.emails_sent),
    emailsOpened: readNumber(campaign.emails_opened),
    repliesReceived: readNumber(campaign.replies_received),
    leadsCount: readNumber(campaign.leads_count),
    activeLeads: readNumber(campaign.active_leads),
    completedLeads: readNumber(campaign.completed_leads),
    leadsByStatus,
    steps,
  };
}
