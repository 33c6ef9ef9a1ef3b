import { match, P } from "ts-pattern";
import type { VariantName } from "../campaign/campaign-schema.js";
import { CadenzaError } from "../errors.js";
import type { Lead, LeadStatus } from "./lead.js";

/** The fields of a lead that its state machine owns. */
export type LeadState = Pick<
  Lead,
  | "status"
  | "currentStep"
  | "nextEmailAt"
  | "assignedVariant"
  | "lastEmailAt"
  | "attempts"
  | "lastError"
  | "pausedUntil"
  | "hasReplied"
  | "repliedAt"
  | "emailsSent"
>;

/**
 * Something that happened to a lead. `sent` also covers a send whose outcome is unknown: the step
 * counts as taken so that it is never sent twice.
 */
export type LeadEvent =
  | {
      type: "sent";
      at: Date;
      /** The step just sent: always the lead's current step plus one. */
      stepNumber: number;
      totalSteps: number;
      /** The lead's variant for this send; becomes the lead's for good if it had none. */
      variant: VariantName;
      /** When the next step is due; null only when this was the last step. */
      nextEmailAt: Date | null;
    }
  | { type: "send_failed"; kind: "hard"; at: Date; reason: string }
  | {
      type: "send_failed";
      /**
       * `soft`: the recipient's side, counted against the lead; `throttled`, `sender`, `transport`: the
       * sending side, not counted.
       */
      kind: "soft" | "throttled" | "sender" | "transport";
      at: Date;
      reason: string;
      /** When to try again; null gives up and fails the lead. */
      retryAt: Date | null;
    }
  | { type: "replied"; at: Date }
  | { type: "bounced"; at: Date; reason: string }
  | { type: "unsubscribed"; at: Date }
  | { type: "paused"; at: Date; until: Date | null; reason: string | null }
  | { type: "resumed"; at: Date; nextEmailAt: Date }
  /**
   * A failed lead put back into its sequence by the host: the step it failed at is due at
   * `nextEmailAt`, tried afresh (its attempts start over; its reason stays until it is sent).
   */
  | { type: "retried"; at: Date; nextEmailAt: Date };

export type LeadEventType = LeadEvent["type"];

// Keyed by status so that a new status does not compile until its events are listed.
const ACCEPTED_EVENTS: Record<LeadStatus, readonly LeadEventType[]> = {
  active: ["sent", "send_failed", "replied", "bounced", "unsubscribed", "paused"],
  paused: ["replied", "bounced", "unsubscribed", "resumed"],
  completed: ["replied", "bounced", "unsubscribed"],
  replied: ["unsubscribed"],
  bounced: ["unsubscribed"],
  failed: ["unsubscribed", "retried"],
  unsubscribed: [],
};

/** True when a lead in `status` accepts events of type `eventType` (a `sent` event has more checks). */
export function canTransition(status: LeadStatus, eventType: LeadEventType): boolean {
  return ACCEPTED_EVENTS[status].includes(eventType);
}

/**
 * A lead as it enters a campaign: active, nothing sent, step 1 due at `firstEmailAt`.
 *
 * ```ts
 * const state = enrollLead({ firstEmailAt: new Date("2026-01-05T14:00:00Z"), variant: null });
 * ```
 */
export function enrollLead(input: { firstEmailAt: Date; variant: VariantName | null }): LeadState {
  return {
    status: "active",
    currentStep: 0,
    nextEmailAt: input.firstEmailAt,
    assignedVariant: input.variant,
    lastEmailAt: null,
    attempts: 0,
    lastError: null,
    pausedUntil: null,
    hasReplied: false,
    repliedAt: null,
    emailsSent: 0,
  };
}

/**
 * The lead after `event`, in a campaign of `totalSteps` steps. Throws ILLEGAL_TRANSITION when the
 * lead's status does not accept the event, or a `sent` event is not for the next step. Leads that
 * have stopped (completed, replied, bounced, unsubscribed, failed) and paused leads have no next send;
 * only a retry puts a failed lead back into its sequence.
 *
 * ```ts
 * const next = transition(state, { type: "replied", at: new Date("2026-01-06T09:12:00Z") }, 3);
 * next.status; // "replied"
 * ```
 */
export function transition(state: LeadState, event: LeadEvent, totalSteps: number): LeadState {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new CadenzaError("VALIDATION", {
      issues: [{ path: ["totalSteps"], message: "A campaign has at least one step", code: "custom" }],
    });
  }
  if (!canTransition(state.status, event.type)) throw illegal(state, event);
  const current = stateOf(state);
  return match(event)
    .with({ type: "sent" }, (sent) => {
      if (sent.totalSteps !== totalSteps) {
        throw illegal(state, event, `The event counts ${sent.totalSteps} steps, the campaign ${totalSteps}`);
      }
      if (sent.stepNumber !== state.currentStep + 1 || sent.stepNumber > totalSteps) {
        throw illegal(state, event, `Step ${sent.stepNumber} cannot follow step ${state.currentStep}`);
      }
      const last = sent.stepNumber === totalSteps;
      if (!last && sent.nextEmailAt === null) {
        throw illegal(
          state,
          event,
          `Step ${sent.stepNumber} is not the last: the next send time is required`,
        );
      }
      return {
        ...current,
        status: last ? "completed" : "active",
        currentStep: sent.stepNumber,
        assignedVariant: state.assignedVariant ?? sent.variant,
        lastEmailAt: sent.at,
        emailsSent: state.emailsSent + 1,
        attempts: 0,
        lastError: null,
        nextEmailAt: last ? null : sent.nextEmailAt,
      } satisfies LeadState;
    })
    .with({ type: "send_failed", kind: "hard" }, (failed) => stop(current, "bounced", failed.reason))
    .with({ type: "send_failed", kind: P.union("soft", "throttled", "sender", "transport") }, (failed) =>
      retry(current, failed),
    )
    .with({ type: "replied" }, (replied) => ({
      ...stop(current, "replied", current.lastError),
      hasReplied: true,
      repliedAt: current.repliedAt ?? replied.at,
    }))
    .with({ type: "bounced" }, (bounced) => stop(current, "bounced", bounced.reason))
    .with({ type: "unsubscribed" }, () => stop(current, "unsubscribed", current.lastError))
    .with({ type: "paused" }, (paused) => ({
      ...current,
      status: "paused" as const,
      nextEmailAt: null,
      pausedUntil: paused.until,
      lastError: paused.reason,
    }))
    .with({ type: "resumed" }, (resumed) => ({
      ...current,
      status: "active" as const,
      nextEmailAt: resumed.nextEmailAt,
      pausedUntil: null,
    }))
    .with({ type: "retried" }, (retried) => ({
      ...current,
      status: "active" as const,
      nextEmailAt: retried.nextEmailAt,
      attempts: 0,
    }))
    .exhaustive();
}

/** Backoff before retrying after the `attempt`-th soft failure (1 for the first; 0 counts as 1). */
export function softRetryDelayMs(attempt: number, options: { baseMs?: number; maxMs?: number } = {}): number {
  const { baseMs = 15 * 60_000, maxMs = 24 * 60 * 60_000 } = options;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new CadenzaError("VALIDATION", {
      issues: [{ path: ["attempt"], message: "Expected a whole number of attempts", code: "custom" }],
    });
  }
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Soft failures after which a lead stops being retried and fails. */
export const DEFAULT_MAX_SOFT_ATTEMPTS = 5;

function retry(
  state: LeadState,
  failed: { kind: "soft" | "throttled" | "sender" | "transport"; reason: string; retryAt: Date | null },
): LeadState {
  const attempts = failed.kind === "soft" ? state.attempts + 1 : state.attempts;
  if (failed.retryAt === null) return { ...stop(state, "failed", failed.reason), attempts };
  return { ...state, attempts, lastError: failed.reason, nextEmailAt: failed.retryAt };
}

function stop(state: LeadState, status: LeadStatus, lastError: string | null): LeadState {
  return { ...state, status, lastError, nextEmailAt: null, pausedUntil: null };
}

// Copies only the machine's fields, so a whole Lead handed in does not leak into the result.
function stateOf(state: LeadState): LeadState {
  return {
    status: state.status,
    currentStep: state.currentStep,
    nextEmailAt: state.nextEmailAt,
    assignedVariant: state.assignedVariant,
    lastEmailAt: state.lastEmailAt,
    attempts: state.attempts,
    lastError: state.lastError,
    pausedUntil: state.pausedUntil,
    hasReplied: state.hasReplied,
    repliedAt: state.repliedAt,
    emailsSent: state.emailsSent,
  };
}

function illegal(state: LeadState, event: LeadEvent, reason?: string): CadenzaError {
  return new CadenzaError("ILLEGAL_TRANSITION", {
    ...(reason === undefined ? {} : { message: `${reason} (lead is ${state.status})` }),
    details: { from: state.status, event: event.type },
  });
}
