import type { Campaign, NewCampaign, Step, StepConfig, VariantName, Weekday } from "@cadenza/core";
import type { Insertable, Selectable } from "kysely";
import type { CampaignSequencesTable, CampaignsTable } from "../database.js";
import { readBool, readTime } from "../read-values.js";
import type { SqlValues } from "../sql-dialect.js";

/** A `campaigns` row and its `campaign_sequences` rows as a Campaign. */
export function toCampaign(
  row: Selectable<CampaignsTable>,
  steps: Selectable<CampaignSequencesTable>[],
  values: SqlValues,
): Campaign {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    active: readBool(row.active),
    dailyLimit: row.daily_limit,
    sendDays: values.readTextArray(row.send_days) as Weekday[],
    sendTimeStart: row.send_time_start,
    sendTimeEnd: row.send_time_end,
    timezone: row.timezone,
    useProspectTimezone: readBool(row.use_prospect_timezone),
    abTestingEnabled: readBool(row.ab_testing_enabled),
    trackOpens: readBool(row.track_opens),
    trackClicks: readBool(row.track_clicks),
    mailboxIds: values.readTextArray(row.mailbox_ids),
    customVariables: values.readTextArray(row.custom_variables),
    winnerVariant: row.winner_variant as VariantName | null,
    steps: steps
      .filter((s) => s.campaign_id === row.id)
      .sort((a, b) => a.step_number - b.step_number)
      .map(toStep),
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

/** A `campaign_sequences` row as a Step. */
export function toStep(row: Selectable<CampaignSequencesTable>): Step {
  const step: Step = {
    id: row.id,
    campaignId: row.campaign_id,
    stepNumber: row.step_number,
    delayDays: row.delay_days,
    delayHours: row.delay_hours,
    format: row.format as Step["format"],
    variantA: { subject: row.variant_a_subject, body: row.variant_a_body },
    variantSplit: row.variant_split,
    useAiGeneration: readBool(row.use_ai_generation),
  };
  if (row.variant_b_body !== null) {
    step.variantB = { subject: row.variant_b_subject ?? "", body: row.variant_b_body };
  }
  if (row.ai_prompt_context !== null) step.aiPromptContext = row.ai_prompt_context;
  return step;
}

/** The settings columns of a campaign (everything but id, metrics and timestamps). */
export function campaignSettingsColumns(
  campaign: Partial<Omit<NewCampaign, "id" | "createdAt" | "steps">> & { winnerVariant?: VariantName | null },
  values: SqlValues,
): Partial<Insertable<CampaignsTable>> {
  const c = campaign;
  const columns: Partial<Insertable<CampaignsTable>> = {
    name: c.name,
    description: c.description,
    active: c.active === undefined ? undefined : values.bool(c.active),
    daily_limit: c.dailyLimit,
    send_days: c.sendDays && values.textArray(c.sendDays),
    send_time_start: c.sendTimeStart,
    send_time_end: c.sendTimeEnd,
    timezone: c.timezone,
    use_prospect_timezone:
      c.useProspectTimezone === undefined ? undefined : values.bool(c.useProspectTimezone),
    ab_testing_enabled: c.abTestingEnabled === undefined ? undefined : values.bool(c.abTestingEnabled),
    track_opens: c.trackOpens === undefined ? undefined : values.bool(c.trackOpens),
    track_clicks: c.trackClicks === undefined ? undefined : values.bool(c.trackClicks),
    mailbox_ids: c.mailboxIds && values.textArray(c.mailboxIds),
    custom_variables: c.customVariables && values.textArray(c.customVariables),
    winner_variant: c.winnerVariant,
  };
  for (const key of Object.keys(columns) as (keyof typeof columns)[]) {
    if (columns[key] === undefined) delete columns[key];
  }
  return columns;
}

/** The content columns of a step (everything but ids, metrics and timestamps). */
export function stepContentColumns(step: StepConfig & { id: string }, values: SqlValues) {
  return {
    id: step.id,
    step_number: step.stepNumber,
    delay_days: step.delayDays,
    delay_hours: step.delayHours,
    format: step.format,
    variant_a_subject: step.variantA.subject,
    variant_a_body: step.variantA.body,
    variant_b_subject: step.variantB?.subject ?? null,
    variant_b_body: step.variantB?.body ?? null,
    variant_split: step.variantSplit,
    use_ai_generation: values.bool(step.useAiGeneration),
    ai_prompt_context: step.aiPromptContext ?? null,
  };
}
