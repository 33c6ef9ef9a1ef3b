import type { Campaign, NewCampaign } from "@cadenza/core";
import { stepContentColumns, toCampaign } from "../rows/campaign-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";

/** Inserts a campaign and its steps in one transaction. */
export function createCampaign(ctx: SqlContext, campaign: NewCampaign): Promise<Campaign> {
  return inTransaction(ctx, async ({ db, dialect }) => {
    const { values } = dialect;
    const created = values.time(campaign.createdAt);
    const row = await db
      .insertInto("campaigns")
      .values({
        id: campaign.id,
        name: campaign.name,
        description: campaign.description,
        active: values.bool(campaign.active),
        send_days: values.textArray(campaign.sendDays),
        send_time_start: campaign.sendTimeStart,
        send_time_end: campaign.sendTimeEnd,
        daily_limit: campaign.dailyLimit,
        timezone: campaign.timezone,
        use_prospect_timezone: values.bool(campaign.useProspectTimezone),
        ab_testing_enabled: values.bool(campaign.abTestingEnabled),
        track_opens: values.bool(campaign.trackOpens),
        track_clicks: values.bool(campaign.trackClicks),
        mailbox_ids: values.textArray(campaign.mailboxIds),
        custom_variables: values.textArray(campaign.customVariables),
        winner_variant: null,
        sequence_count: campaign.steps.length,
        created_at: created,
        updated_at: created,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const steps =
      campaign.steps.length === 0
        ? []
        : await db
            .insertInto("campaign_sequences")
            .values(
              campaign.steps.map((step) => ({
                ...stepContentColumns(step, values),
                campaign_id: campaign.id,
                created_at: created,
                updated_at: created,
              })),
            )
            .returningAll()
            .execute();
    return toCampaign(row, steps, values);
  });
}
