import { match } from "ts-pattern";
import type { CounterDelta } from "../analytics/counters.js";
import type { Prospect } from "../audience/prospect.js";
import type { Campaign } from "../campaign/campaign.js";
import type { VariantContent, VariantName } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { type LeadState, softRetryDelayMs, transition } from "../lead/index.js";
import type { Lead } from "../lead/lead.js";
import type { LeadAdvance, SendOutcomeWrite, SendResult } from "../ports.js";
import { nextSendTime, nextWindowOpening, windowFor } from "../schedule/index.js";

/** An RFC 5322 msg-id as a header carries it: `<left@right>`, no spaces. */
const MESSAGE_ID = /^<[^<>@\s]+@[^<>@\s]+>$/;

export interface OutcomeInput {
  campaign: Campaign;
  lead: Lead;
  prospect: Prospect;
  leaseToken: string;
  emailId: string;
  stepNumber: number;
  /** Variant the lead is locked to. */
  leadVariant: VariantName;
  /** Variant whose content the email carried (A when the step has no B). */
  emailVariant: VariantName;
  counterDay: string;
  mailboxId: string | null;
  at: Date;
  /** Generated content the email carried; kept in a retry's event so the retry sends the same text. */
  generatedContent?: VariantContent | null;
  /** Quota slots the claim reserved for this attempt: given back if the message never left. */
  quotas?: { key: string; day: string }[];
  /** The Message-ID the email was handed over with. */
  messageId?: string;
  /** When the hold a refusal on the sending side put the sender under ends: the lead waits for it. */
  heldUntil?: Date;
}

/**
 * A send the batch did not make: the server had refused an earlier one on the sender's side, and
 * the sender is held (or its mailbox flagged) until `until`.
 */
export interface SendDeferral {
  status: "deferred";
  /** The refusal that holds the sender. */
  reason: string;
  until: Date;
}

function advance(state: LeadState): LeadAdvance {
  return {
    currentStep: state.currentStep,
    status: state.status,
    assignedVariant: state.assignedVariant,
    lastEmailAt: state.lastEmailAt,
    nextEmailAt: state.nextEmailAt,
    emailsSent: state.emailsSent,
    attempts: state.attempts,
    lastError: state.lastError,
  };
}

/** When the step after `stepNumber` is due, or null after the last step. */
function followUpTime(ctx: EngineContext, input: OutcomeInput): Date | null {
  const next = input.campaign.steps[input.stepNumber];
  if (!next) return null;
  const jitter =
    ctx.dispatch.followUpJitterMs > 0 ? Math.floor(ctx.random.next() * ctx.dispatch.followUpJitterMs) : 0;
  return nextSendTime({
    from: input.at,
    delayDays: next.delayDays,
    delayHours: next.delayHours,
    window: windowFor(input.campaign, input.prospect),
    jitterMs: jitter,
  });
}

/**
 * Turns a transport's answer (or an unknown outcome) into the store write: the lead's next state
 * through the lead state machine, counters, suppression and the event.
 */
export function sendOutcome(
  ctx: EngineContext,
  input: OutcomeInput,
  result: SendResult | SendDeferral | "stale",
): SendOutcomeWrite {
  // The machine reads only its own fields from the lead.
  const state: LeadState = input.lead;
  const totalSteps = input.campaign.steps.length;
  const refs = { campaignId: input.campaign.id, leadId: input.lead.id, emailId: input.emailId };
  const counter = (field: CounterDelta["field"]): CounterDelta => ({
    campaignId: input.campaign.id,
    stepNumber: input.stepNumber,
    variant: input.emailVariant,
    field,
    by: 1,
    day: input.counterDay,
  });
  const base = { emailId: input.emailId, leadId: input.lead.id, leaseToken: input.leaseToken, at: input.at };
  const sentState = () =>
    transition(
      state,
      {
        type: "sent",
        at: input.at,
        stepNumber: input.stepNumber,
        totalSteps,
        variant: input.leadVariant,
        nextEmailAt: followUpTime(ctx, input),
      },
      totalSteps,
    );

  // The send may or may not have left: the lead moves on as if it was sent, and it is never retried.
  const unknownOutcome = (response: string | null, counters: CounterDelta[]): SendOutcomeWrite => ({
    ...base,
    kind: "unknown",
    response,
    lead: advance(sentState()),
    counters,
    event: {
      id: ctx.ids.id(),
      kind: "outcome_unknown",
      ...refs,
      at: input.at,
      data: { stepNumber: input.stepNumber, response },
    },
  });

  // The unknown outcome of an attempt whose worker died: the store already marked it and counted it.
  if (result === "stale") return unknownOutcome(null, []);
  const window = windowFor(input.campaign, input.prospect);
  // The record of a send the server refused on the sending side, or that was never made, goes, and
  // the lead waits (its attempts untouched) until the sender may send again.
  const retryOnSenderSide = (
    kind: "throttled" | "sender" | "transport",
    reason: string,
    retryAt: Date,
    data: { type: string; response: string | null } & Record<string, unknown>,
    extra: Pick<SendOutcomeWrite, "flagMailbox" | "returnQuotas"> = {},
  ): SendOutcomeWrite => ({
    ...base,
    kind: "retry",
    response: data.response,
    lead: advance(
      transition(state, { type: "send_failed", kind, at: input.at, reason, retryAt }, totalSteps),
    ),
    counters: [],
    ...extra,
    event: {
      id: ctx.ids.id(),
      kind: extra.flagMailbox ? "mailbox_flagged" : "send_failed",
      ...refs,
      emailId: null,
      at: input.at,
      data: {
        ...data,
        mailboxId: input.mailboxId,
        retryAt: retryAt.toISOString(),
        stepNumber: input.stepNumber,
        generated: input.generatedContent ?? null,
      },
    },
  });

  return match(result)
    .with({ status: "deferred" }, (deferred): SendOutcomeWrite => {
      const reason = `Not sent: the sender is held after ${deferred.reason}`;
      const returnQuotas = input.quotas?.length ? input.quotas : undefined;
      return retryOnSenderSide(
        "throttled",
        reason,
        nextWindowOpening(deferred.until, window),
        { type: "deferred", reason: deferred.reason, response: null },
        returnQuotas ? { returnQuotas } : {},
      );
    })
    .with({ status: "unknown" }, (lost) =>
      unknownOutcome(`${lost.code} ${lost.response}`.trim(), [counter("unknown")]),
    )
    .with({ status: "accepted" }, (accepted): SendOutcomeWrite => {
      const next = sentState();
      // A provider's own id for the message: the event keeps it, so a host can map the provider's
      // bounce and complaint notifications (which name it) to the email.
      const providerMessageId =
        accepted.providerMessageId && accepted.providerMessageId !== input.messageId
          ? accepted.providerMessageId
          : undefined;
      // In Message-ID form it is the header the provider delivered the message with in place of the
      // engine's (Amazon SES, Microsoft 365): replies name it and follow-ups thread on it, so the
      // email keeps it. An API's message id in another form (`msg_123`) is no header of the message.
      const delivered =
        providerMessageId && MESSAGE_ID.test(providerMessageId) ? providerMessageId : undefined;
      return {
        ...base,
        kind: "sent",
        response: accepted.response,
        ...(delivered ? { providerMessageId: delivered } : {}),
        lead: advance(next),
        counters: [],
        event: {
          id: ctx.ids.id(),
          kind: "sent",
          ...refs,
          at: input.at,
          data: {
            stepNumber: input.stepNumber,
            variant: input.emailVariant,
            completed: next.status === "completed",
            ...(providerMessageId ? { providerMessageId } : {}),
          },
        },
      };
    })
    .with({ status: "rejected", kind: "hard" }, (rejected): SendOutcomeWrite => {
      const reason = `${rejected.code} ${rejected.response}`.trim();
      const next = transition(state, { type: "send_failed", kind: "hard", at: input.at, reason }, totalSteps);
      return {
        ...base,
        kind: "bounced",
        response: rejected.response,
        lead: { ...advance(next), currentStep: state.currentStep },
        counters: [counter("bouncedHard")],
        suppress: input.prospect.email
          ? { email: input.prospect.email, reason: `hard bounce ${rejected.code}` }
          : undefined,
        event: {
          id: ctx.ids.id(),
          kind: "bounced",
          ...refs,
          at: input.at,
          data: { code: rejected.code, response: rejected.response, type: "hard" },
        },
      };
    })
    .with({ status: "rejected", kind: "soft" }, (rejected): SendOutcomeWrite => {
      const reason = `${rejected.code} ${rejected.response}`.trim();
      const attempt = state.attempts + 1;
      const retryAt =
        attempt >= ctx.dispatch.maxSoftAttempts
          ? null
          : nextWindowOpening(
              new Date(
                input.at.getTime() +
                  softRetryDelayMs(attempt, {
                    baseMs: ctx.dispatch.softRetryBaseMs,
                    maxMs: ctx.dispatch.softRetryMaxMs,
                  }),
              ),
              windowFor(input.campaign, input.prospect),
            );
      const next = transition(
        state,
        { type: "send_failed", kind: "soft", at: input.at, reason, retryAt },
        totalSteps,
      );
      return {
        ...base,
        kind: "retry",
        response: rejected.response,
        lead: advance(next),
        counters: [],
        event: {
          id: ctx.ids.id(),
          kind: next.status === "failed" ? "failed" : "send_failed",
          ...refs,
          emailId: null,
          at: input.at,
          data: {
            code: rejected.code,
            response: rejected.response,
            type: "soft",
            attempt,
            retryAt: retryAt?.toISOString() ?? null,
            stepNumber: input.stepNumber,
            generated: input.generatedContent ?? null,
          },
        },
      };
    })
    .with(
      { status: "rejected", kind: "throttled" },
      { status: "rejected", kind: "sender" },
      { status: "rejected", kind: "transport" },
      (rejected): SendOutcomeWrite => {
        const reason = `${rejected.code} ${rejected.response}`.trim();
        const retryAt = nextWindowOpening(
          input.heldUntil ?? new Date(input.at.getTime() + ctx.dispatch.transportRetryMs),
          window,
        );
        const flag =
          rejected.kind === "sender" && input.mailboxId ? { mailboxId: input.mailboxId, reason } : undefined;
        // A sender refusal was the provider's answer and spends its slot. A transport failure never
        // reached the provider, and a throttle refused the message for now without judging it: an
        // outage or a throttle that lasts hours would otherwise use up the day's quota, and the mail
        // it held back could not go out once it ended.
        const returnQuotas = rejected.kind !== "sender" && input.quotas?.length ? input.quotas : undefined;
        return retryOnSenderSide(
          rejected.kind,
          reason,
          retryAt,
          { code: rejected.code, response: rejected.response, type: rejected.kind },
          { ...(flag ? { flagMailbox: flag } : {}), ...(returnQuotas ? { returnQuotas } : {}) },
        );
      },
    )
    .exhaustive();
}
