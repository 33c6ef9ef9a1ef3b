import type { CounterDelta } from "../analytics/counters.js";
import type { Prospect } from "../audience/prospect.js";
import type { Campaign } from "../campaign/campaign.js";
import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { CadenzaError, isCadenzaError } from "../errors.js";
import type { EventKind, LeadChange, NewEvent } from "../ports.js";
import { campaignDay, nextSendTime, nextWindowOpening, windowFor } from "../schedule/index.js";
import type { Lead } from "./lead.js";
import { type LeadEvent, type LeadState, transition } from "./lead-machine.js";

const MAX_CONFLICT_RETRIES = 5;

/** What a lead change did. `changed: false` means the event did not apply to the lead's status. */
export interface LeadChangeResult {
  lead: Lead;
  changed: boolean;
}

export interface ChangeSpec {
  event: LeadEvent;
  eventKind: EventKind;
  /** The email the change concerns (reply, bounce, unsubscribe), for counters and the event. */
  email?: EmailRecord | null;
  counters?: (lead: Lead, email: EmailRecord | null | undefined) => CounterDelta[];
  suppress?: { email: string; reason: string };
  data?: Record<string, unknown>;
}

/**
 * Applies a state-machine event to a lead outside dispatch, fenced on the lead's version and retried
 * when another writer got there first. An event that is illegal in the lead's status leaves it as it
 * is (`changed: false`) when `tolerant`, and throws ILLEGAL_TRANSITION otherwise.
 */
export async function changeLead(
  ctx: EngineContext,
  leadId: string,
  spec: ChangeSpec,
  tolerant: boolean,
): Promise<LeadChangeResult> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const lead = await ctx.store.getLead(leadId);
    if (!lead)
      throw new CadenzaError("NOT_FOUND", { message: `Lead ${leadId} does not exist`, details: { leadId } });
    const campaign = await ctx.store.getCampaign(lead.campaignId);
    const totalSteps = campaign?.steps.length ?? lead.currentStep;
    let change: LeadChange;
    try {
      change = leadChangeFor(ctx, lead, totalSteps, spec);
    } catch (error) {
      if (tolerant && isCadenzaError(error, "ILLEGAL_TRANSITION")) return { lead, changed: false };
      throw error;
    }
    const result = await ctx.store.applyLeadChanges([change]);
    if (result.applied.includes(leadId)) {
      await ctx.hooks.emit([change.event]);
      return { lead: { ...lead, ...change.set, version: lead.version + 1 }, changed: true };
    }
  }
  throw new CadenzaError("CONFLICT", {
    message: `Lead ${leadId} kept changing; gave up after ${MAX_CONFLICT_RETRIES} tries`,
  });
}

/**
 * The change a state-machine event makes to `lead`, fenced on the version it was read at, with its
 * event. Throws ILLEGAL_TRANSITION when the lead's status does not accept the event.
 */
export function leadChangeFor(
  ctx: EngineContext,
  lead: Lead,
  totalSteps: number,
  spec: ChangeSpec,
): LeadChange {
  const next: LeadState = transition(lead, spec.event, totalSteps);
  const event: NewEvent = {
    id: ctx.ids.id(),
    kind: spec.eventKind,
    campaignId: lead.campaignId,
    leadId: lead.id,
    emailId: spec.email?.id ?? null,
    at: spec.event.at,
    data: { from: lead.status, to: next.status, ...spec.data },
  };
  return {
    leadId: lead.id,
    expectedVersion: lead.version,
    set: {
      status: next.status,
      nextEmailAt: next.nextEmailAt,
      pausedUntil: next.pausedUntil,
      lastError: next.lastError,
      hasReplied: next.hasReplied,
      repliedAt: next.repliedAt,
      attempts: next.attempts,
    },
    counters: spec.counters?.(lead, spec.email) ?? [],
    suppress: spec.suppress,
    event,
  };
}

/** When a lead taken up again at `at` is due: the next opening of its send window. */
export function nextOpeningFor(campaign: Campaign | null, prospect: Prospect | null, at: Date): Date {
  return campaign ? nextWindowOpening(at, windowFor(campaign, prospect)) : at;
}

/** A counter delta for the step and variant of `email`, in the campaign day of `at`. */
export function emailCounter(
  email: EmailRecord | null | undefined,
  field: CounterDelta["field"],
  timezone: string,
  at: Date,
): CounterDelta[] {
  if (!email?.campaignId || email.stepNumber === null || !email.variant) return [];
  return [
    {
      campaignId: email.campaignId,
      stepNumber: email.stepNumber,
      variant: email.variant,
      field,
      by: 1,
      day: campaignDay(at, timezone),
    },
  ];
}

/** Pauses an active lead; it keeps its place. `until` makes it resume by itself. */
export function pauseLead(
  ctx: EngineContext,
  leadId: string,
  options: { until?: Date | null; reason?: string | null } = {},
) {
  const at = ctx.clock.now();
  return changeLead(
    ctx,
    leadId,
    {
      event: { type: "paused", at, until: options.until ?? null, reason: options.reason ?? null },
      eventKind: "paused",
    },
    false,
  );
}

/**
 * Resumes a paused lead. Its next step is due at the next opening of its send window, and never
 * sooner than the step's delay after the lead's last email: a pause (an out-of-office until a date
 * before the follow-up was due, a pause by hand the day after a send) holds a sequence back and never
 * brings a follow-up forward.
 */
export async function resumeLead(ctx: EngineContext, leadId: string) {
  const at = ctx.clock.now();
  const lead = await ctx.store.getLead(leadId);
  if (!lead) throw new CadenzaError("NOT_FOUND", { message: `Lead ${leadId} does not exist` });
  const campaign = await ctx.store.getCampaign(lead.campaignId);
  const [prospect] = await ctx.store.getProspects([lead.prospectId]);
  let nextEmailAt = nextOpeningFor(campaign, prospect ?? null, at);
  const step = campaign?.steps[lead.currentStep];
  if (campaign && step && lead.lastEmailAt) {
    const window = windowFor(campaign, prospect ?? null);
    const { delayDays, delayHours } = step;
    const due = nextSendTime({ from: lead.lastEmailAt, delayDays, delayHours, window, jitterMs: 0 });
    if (due.getTime() > nextEmailAt.getTime()) nextEmailAt = due;
  }
  return changeLead(
    ctx,
    leadId,
    { event: { type: "resumed", at, nextEmailAt }, eventKind: "resumed" },
    false,
  );
}
