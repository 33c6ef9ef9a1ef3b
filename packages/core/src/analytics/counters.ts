import type { VariantName } from "../campaign/campaign-schema.js";
import type { LeadStatus } from "../lead/lead.js";

/**
 * The counters kept per (campaign, step, variant). Every one moves by atomic increment in the same
 * store transaction as the event that moves it.
 */
export const STEP_COUNTER_FIELDS = [
  /** Emails that left or may have left: sent, bounced at send time, or outcome unknown. */
  "sent",
  /** Emails whose send outcome is unknown (a worker died mid-send); included in `sent`. */
  "unknown",
  "bouncedHard",
  "bouncedSoft",
  /** Emails with at least one human open (unique opens). */
  "opens",
  /** Emails with at least one open that looked automatic (proxy, scanner, prefetch). */
  "machineOpens",
  /** Emails with at least one human click (unique clicks). */
  "clicks",
  "replies",
  "unsubscribes",
  /** Emails a recipient reported as spam (a feedback-loop complaint), at most one per email. */
  "complaints",
] as const;
export type StepCounterField = (typeof STEP_COUNTER_FIELDS)[number];

export type StepCounters = Record<StepCounterField, number>;

export interface StepVariantCounters extends StepCounters {
  stepNumber: number;
  variant: VariantName;
}

/** One increment of one counter, as the engine asks a store to apply it. */
export interface CounterDelta {
  campaignId: string;
  stepNumber: number;
  variant: VariantName;
  field: StepCounterField;
  by: number;
  /** Campaign day (`YYYY-MM-DD` in the campaign's time zone) the event falls on, for time series. */
  day: string;
}

/** Campaign-wide counters (the audit's `campaigns` metric columns) plus the per-step rows. */
export interface CampaignCounters {
  campaignId: string;
  emailsSent: number;
  emailsOpened: number;
  repliesReceived: number;
  leadsCount: number;
  activeLeads: number;
  completedLeads: number;
  /** Lead counts by every status. */
  leadsByStatus: Record<LeadStatus, number>;
  steps: StepVariantCounters[];
}

export function emptyStepCounters(): StepCounters {
  return Object.fromEntries(STEP_COUNTER_FIELDS.map((f) => [f, 0])) as StepCounters;
}

/**
 * Which audit columns a step counter also moves: `campaign_sequences` (total and per-variant) and
 * `campaigns`. Shared by every SQL store so the audit's own columns stay true.
 */
export const AUDIT_COUNTER_COLUMNS: Record<
  StepCounterField,
  { step: string | null; variantA: string | null; variantB: string | null; campaign: string | null }
> = {
  sent: {
    step: "sent_count",
    variantA: "variant_a_sent",
    variantB: "variant_b_sent",
    campaign: "emails_sent",
  },
  unknown: { step: null, variantA: null, variantB: null, campaign: null },
  bouncedHard: { step: "bounce_count", variantA: null, variantB: null, campaign: null },
  bouncedSoft: { step: null, variantA: null, variantB: null, campaign: null },
  opens: {
    step: "open_count",
    variantA: "variant_a_opens",
    variantB: "variant_b_opens",
    campaign: "emails_opened",
  },
  machineOpens: { step: null, variantA: null, variantB: null, campaign: null },
  clicks: { step: null, variantA: null, variantB: null, campaign: null },
  replies: {
    step: "reply_count",
    variantA: "variant_a_replies",
    variantB: "variant_b_replies",
    campaign: "replies_received",
  },
  unsubscribes: { step: null, variantA: null, variantB: null, campaign: null },
  complaints: { step: null, variantA: null, variantB: null, campaign: null },
};

/**
 * How the campaign's lead-count columns move when a lead goes from `from` to `to` (`null` = the lead
 * did not exist). `leads_count` counts every lead; `active_leads` those active or paused;
 * `completed_leads` those that finished the sequence.
 */
export function leadCountDeltas(
  from: LeadStatus | null,
  to: LeadStatus | null,
): { leadsCount: number; activeLeads: number; completedLeads: number } {
  const live = (s: LeadStatus | null) => (s === "active" || s === "paused" ? 1 : 0);
  const done = (s: LeadStatus | null) => (s === "completed" ? 1 : 0);
  return {
    leadsCount: (to === null ? 0 : 1) - (from === null ? 0 : 1),
    activeLeads: live(to) - live(from),
    completedLeads: done(to) - done(from),
  };
}
