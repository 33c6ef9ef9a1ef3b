import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CadenzaError, isCadenzaError } from "../errors.js";
import { isTerminalStatus, LEAD_STATUSES, type LeadStatus } from "./lead.js";
import {
  DEFAULT_MAX_SOFT_ATTEMPTS,
  enrollLead,
  type LeadEvent,
  type LeadState,
  softRetryDelayMs,
  transition,
} from "./lead-machine.js";

const at = (iso: string) => new Date(iso);
const MONDAY = at("2026-01-05T14:00:00Z");
const TUESDAY = at("2026-01-06T14:00:00Z");
const WEDNESDAY = at("2026-01-07T14:00:00Z");

const enrolled = () => enrollLead({ firstEmailAt: MONDAY, variant: null });
const sent = (stepNumber: number, totalSteps: number, nextEmailAt: Date | null): LeadEvent => ({
  type: "sent",
  at: MONDAY,
  stepNumber,
  totalSteps,
  variant: "B",
  nextEmailAt,
});
const inStatus = (status: LeadStatus, overrides: Partial<LeadState> = {}): LeadState => ({
  ...enrolled(),
  status,
  nextEmailAt: status === "active" ? MONDAY : null,
  ...overrides,
});

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("enrollLead", () => {
  it("starts active at step 0 with step 1 due", () => {
    expect(enrollLead({ firstEmailAt: MONDAY, variant: "A" })).toEqual({
      status: "active",
      currentStep: 0,
      nextEmailAt: MONDAY,
      assignedVariant: "A",
      lastEmailAt: null,
      attempts: 0,
      lastError: null,
      pausedUntil: null,
      hasReplied: false,
      repliedAt: null,
      emailsSent: 0,
    });
  });
});

describe("transition: sent", () => {
  it("advances a step, locks the variant and schedules the next step", () => {
    const failedOnce = { ...enrolled(), attempts: 2, lastError: "451 try later" };
    expect(transition(failedOnce, sent(1, 3, TUESDAY), 3)).toEqual({
      ...failedOnce,
      currentStep: 1,
      assignedVariant: "B",
      lastEmailAt: MONDAY,
      emailsSent: 1,
      attempts: 0,
      lastError: null,
      nextEmailAt: TUESDAY,
    });
  });

  it("keeps a variant that is already assigned", () => {
    const lead = enrollLead({ firstEmailAt: MONDAY, variant: "A" });
    expect(transition(lead, sent(1, 2, TUESDAY), 2).assignedVariant).toBe("A");
  });

  it("completes the lead on the last step, with no next send", () => {
    const afterTwo = transition(transition(enrolled(), sent(1, 2, TUESDAY), 2), sent(2, 2, null), 2);
    expect(afterTwo).toMatchObject({ status: "completed", currentStep: 2, emailsSent: 2, nextEmailAt: null });
  });

  it("ignores a next send time handed in for the last step", () => {
    expect(transition(enrolled(), sent(1, 1, TUESDAY), 1)).toMatchObject({
      status: "completed",
      nextEmailAt: null,
    });
  });

  it("refuses a step that is not the next one, a missing next send time, and a wrong step count", () => {
    const cases: [LeadState, LeadEvent][] = [
      [enrolled(), sent(2, 3, TUESDAY)],
      [enrolled(), sent(0, 3, TUESDAY)],
      [{ ...enrolled(), currentStep: 1 }, sent(1, 3, TUESDAY)],
      [enrolled(), sent(1, 3, null)],
      [enrolled(), sent(1, 2, TUESDAY)],
    ];
    for (const [state, event] of cases) {
      const error = thrownBy(() => transition(state, event, 3));
      expect(isCadenzaError(error, "ILLEGAL_TRANSITION")).toBe(true);
      expect((error as CadenzaError).details).toEqual({ from: "active", event: "sent" });
    }
  });

  it("refuses to send for a lead that is not active", () => {
    for (const status of LEAD_STATUSES.filter((s) => s !== "active")) {
      expect(() => transition(inStatus(status), sent(1, 3, TUESDAY), 3)).toThrow(
        expect.objectContaining({ code: "ILLEGAL_TRANSITION", details: { from: status, event: "sent" } }),
      );
    }
  });
});

describe("transition: send_failed", () => {
  it("bounces the lead on a hard failure", () => {
    const event: LeadEvent = { type: "send_failed", kind: "hard", at: MONDAY, reason: "550 no such user" };
    expect(transition(enrolled(), event, 3)).toMatchObject({
      status: "bounced",
      nextEmailAt: null,
      lastError: "550 no such user",
    });
  });

  it("counts a soft failure against the lead and retries it", () => {
    const event: LeadEvent = {
      type: "send_failed",
      kind: "soft",
      at: MONDAY,
      reason: "452 mailbox full",
      retryAt: TUESDAY,
    };
    expect(transition(enrolled(), event, 3)).toMatchObject({
      status: "active",
      attempts: 1,
      lastError: "452 mailbox full",
      nextEmailAt: TUESDAY,
    });
  });

  it("does not count throttles, sender and transport failures against the lead", () => {
    for (const kind of ["throttled", "sender", "transport"] as const) {
      const event: LeadEvent = {
        type: "send_failed",
        kind,
        at: MONDAY,
        reason: "535 auth failed",
        retryAt: TUESDAY,
      };
      expect(transition({ ...enrolled(), attempts: 2 }, event, 3)).toMatchObject({
        status: "active",
        attempts: 2,
        lastError: "535 auth failed",
        nextEmailAt: TUESDAY,
      });
    }
  });

  it("fails the lead when there is no retry", () => {
    const event: LeadEvent = {
      type: "send_failed",
      kind: "soft",
      at: MONDAY,
      reason: "452 mailbox full",
      retryAt: null,
    };
    const lead = { ...enrolled(), attempts: DEFAULT_MAX_SOFT_ATTEMPTS - 1 };
    expect(transition(lead, event, 3)).toMatchObject({
      status: "failed",
      attempts: DEFAULT_MAX_SOFT_ATTEMPTS,
      nextEmailAt: null,
      lastError: "452 mailbox full",
    });
  });
});

describe("transition: replies, bounces, unsubscribes", () => {
  it("stops an active, paused or completed lead on a reply and keeps the first reply time", () => {
    for (const status of ["active", "paused", "completed"] as const) {
      const lead = inStatus(status, { pausedUntil: status === "paused" ? WEDNESDAY : null });
      const replied = transition(lead, { type: "replied", at: TUESDAY }, 3);
      expect(replied).toMatchObject({
        status: "replied",
        hasReplied: true,
        repliedAt: TUESDAY,
        nextEmailAt: null,
        pausedUntil: null,
      });
    }
    const earlier = inStatus("completed", { hasReplied: true, repliedAt: MONDAY });
    expect(transition(earlier, { type: "replied", at: TUESDAY }, 3).repliedAt).toEqual(MONDAY);
  });

  it("bounces an active, paused or completed lead", () => {
    for (const status of ["active", "paused", "completed"] as const) {
      expect(
        transition(inStatus(status), { type: "bounced", at: TUESDAY, reason: "DSN 5.1.1" }, 3),
      ).toMatchObject({
        status: "bounced",
        nextEmailAt: null,
        lastError: "DSN 5.1.1",
      });
    }
  });

  it("unsubscribes a lead in any status but unsubscribed", () => {
    for (const status of LEAD_STATUSES) {
      const run = () => transition(inStatus(status), { type: "unsubscribed", at: TUESDAY }, 3);
      if (status === "unsubscribed")
        expect(run).toThrow(expect.objectContaining({ code: "ILLEGAL_TRANSITION" }));
      else expect(run()).toMatchObject({ status: "unsubscribed", nextEmailAt: null });
    }
  });
});

describe("transition: pause and resume", () => {
  it("pauses an active lead until a date, with the reason", () => {
    const event: LeadEvent = { type: "paused", at: MONDAY, until: WEDNESDAY, reason: "Out of office" };
    expect(transition(enrolled(), event, 3)).toMatchObject({
      status: "paused",
      nextEmailAt: null,
      pausedUntil: WEDNESDAY,
      lastError: "Out of office",
    });
  });

  it("resumes a paused lead at the given time", () => {
    const paused = transition(enrolled(), { type: "paused", at: MONDAY, until: WEDNESDAY, reason: null }, 3);
    expect(transition(paused, { type: "resumed", at: TUESDAY, nextEmailAt: WEDNESDAY }, 3)).toMatchObject({
      status: "active",
      nextEmailAt: WEDNESDAY,
      pausedUntil: null,
    });
  });

  it("pauses only active leads and resumes only paused ones", () => {
    for (const status of LEAD_STATUSES) {
      const pause = () =>
        transition(inStatus(status), { type: "paused", at: MONDAY, until: null, reason: null }, 3);
      const resume = () =>
        transition(inStatus(status), { type: "resumed", at: MONDAY, nextEmailAt: TUESDAY }, 3);
      if (status !== "active") expect(pause).toThrow(expect.objectContaining({ code: "ILLEGAL_TRANSITION" }));
      if (status !== "paused")
        expect(resume).toThrow(expect.objectContaining({ code: "ILLEGAL_TRANSITION" }));
    }
  });
});

describe("transition: retry", () => {
  it("puts a failed lead back into its sequence at the same step, its attempts reset", () => {
    const failed = transition(
      { ...enrolled(), currentStep: 1, emailsSent: 1, assignedVariant: "B", attempts: 4 },
      { type: "send_failed", kind: "soft", at: MONDAY, reason: "452 4.2.2 mailbox full", retryAt: null },
      3,
    );
    expect(failed).toMatchObject({ status: "failed", attempts: 5, nextEmailAt: null });
    expect(transition(failed, { type: "retried", at: TUESDAY, nextEmailAt: WEDNESDAY }, 3)).toEqual({
      ...failed,
      status: "active",
      attempts: 0,
      nextEmailAt: WEDNESDAY,
    });
  });

  it("retries only failed leads", () => {
    for (const status of LEAD_STATUSES.filter((s) => s !== "failed")) {
      expect(() =>
        transition(inStatus(status), { type: "retried", at: MONDAY, nextEmailAt: TUESDAY }, 3),
      ).toThrow(
        expect.objectContaining({ code: "ILLEGAL_TRANSITION", details: { from: status, event: "retried" } }),
      );
    }
  });
});

describe("transition: result shape", () => {
  it("returns only the state fields, even when handed a whole lead", () => {
    const lead = { ...enrolled(), id: "lead-1", version: 4 };
    expect(Object.keys(transition(lead, { type: "replied", at: MONDAY }, 3)).sort()).toEqual(
      Object.keys(enrolled()).sort(),
    );
  });

  it("rejects a campaign without steps", () => {
    expect(() => transition(enrolled(), { type: "replied", at: MONDAY }, 0)).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });
});

describe("softRetryDelayMs", () => {
  const MINUTE = 60_000;

  it("doubles from 15 minutes and stops at 24 hours", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => softRetryDelayMs(attempt) / MINUTE)).toEqual([
      15, 30, 60, 120, 240,
    ]);
    expect(softRetryDelayMs(0)).toBe(15 * MINUTE);
    expect(softRetryDelayMs(7)).toBe(960 * MINUTE);
    expect(softRetryDelayMs(8)).toBe(24 * 60 * MINUTE);
    expect(softRetryDelayMs(2000)).toBe(24 * 60 * MINUTE);
  });

  it("takes its own base and cap", () => {
    expect(softRetryDelayMs(3, { baseMs: 1000, maxMs: 3000 })).toBe(3000);
    expect(softRetryDelayMs(2, { baseMs: 1000 })).toBe(2000);
  });

  it("rejects a negative or fractional attempt", () => {
    expect(() => softRetryDelayMs(-1)).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    expect(() => softRetryDelayMs(1.5)).toThrow(expect.objectContaining({ code: "VALIDATION" }));
  });
});

// --- Properties over random event sequences ----------------------------------------------------------

/** Which statuses accept which event, as the lifecycle documentation states it. */
const LEGAL_FROM: Record<LeadEvent["type"], readonly LeadStatus[]> = {
  sent: ["active"],
  send_failed: ["active"],
  replied: ["active", "paused", "completed"],
  bounced: ["active", "paused", "completed"],
  unsubscribed: ["active", "paused", "completed", "replied", "bounced", "failed"],
  paused: ["active"],
  resumed: ["paused"],
  retried: ["failed"],
};

function isLegal(state: LeadState, event: LeadEvent, totalSteps: number): boolean {
  if (!LEGAL_FROM[event.type].includes(state.status)) return false;
  if (event.type !== "sent") return true;
  return (
    event.totalSteps === totalSteps &&
    event.stepNumber === state.currentStep + 1 &&
    event.stepNumber <= totalSteps &&
    (event.stepNumber === totalSteps || event.nextEmailAt !== null)
  );
}

const dateArb = fc.date({
  min: at("2026-01-01T00:00:00Z"),
  max: at("2027-01-01T00:00:00Z"),
  noInvalidDate: true,
});

// A `sent` event is drawn relative to the lead it meets, so most are for the next step and some are not.
type EventDraft = (state: LeadState, totalSteps: number) => LeadEvent;
const eventDraftArb: fc.Arbitrary<EventDraft> = fc.oneof(
  fc
    .record({
      at: dateArb,
      stepShift: fc.constantFrom(1, 1, 1, 1, 0, 2, -1),
      wrongTotal: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      variant: fc.constantFrom("A" as const, "B" as const),
      nextEmailAt: fc.option(dateArb, { freq: 5 }),
    })
    .map(
      (d): EventDraft =>
        (state, totalSteps) => ({
          type: "sent",
          at: d.at,
          stepNumber: state.currentStep + d.stepShift,
          totalSteps: d.wrongTotal ? totalSteps + 1 : totalSteps,
          variant: d.variant,
          nextEmailAt: d.nextEmailAt,
        }),
    ),
  fc.record({ at: dateArb, reason: fc.string(), kind: fc.constantFrom("hard" as const) }).map(
    (d): EventDraft =>
      () => ({ type: "send_failed", ...d }),
  ),
  fc
    .record({
      at: dateArb,
      reason: fc.string(),
      kind: fc.constantFrom("soft" as const, "throttled" as const, "sender" as const, "transport" as const),
      retryAt: fc.option(dateArb, { freq: 3 }),
    })
    .map(
      (d): EventDraft =>
        () => ({ type: "send_failed", ...d }),
    ),
  dateArb.map(
    (d): EventDraft =>
      () => ({ type: "replied", at: d }),
  ),
  fc.record({ at: dateArb, reason: fc.string() }).map(
    (d): EventDraft =>
      () => ({ type: "bounced", ...d }),
  ),
  dateArb.map(
    (d): EventDraft =>
      () => ({ type: "unsubscribed", at: d }),
  ),
  fc.record({ at: dateArb, until: fc.option(dateArb), reason: fc.option(fc.string()) }).map(
    (d): EventDraft =>
      () => ({ type: "paused", ...d }),
  ),
  fc.record({ at: dateArb, nextEmailAt: dateArb }).map(
    (d): EventDraft =>
      () => ({ type: "resumed", ...d }),
  ),
  fc.record({ at: dateArb, nextEmailAt: dateArb }).map(
    (d): EventDraft =>
      () => ({ type: "retried", ...d }),
  ),
);

describe("transition properties", () => {
  it("keeps every invariant and throws ILLEGAL_TRANSITION exactly for illegal events", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        dateArb,
        fc.option(fc.constantFrom("A" as const, "B" as const)),
        fc.array(eventDraftArb, { maxLength: 40 }),
        (totalSteps, firstEmailAt, variant, drafts) => {
          let state = enrollLead({ firstEmailAt, variant });
          for (const draft of drafts) {
            const event = draft(state, totalSteps);
            if (!isLegal(state, event, totalSteps)) {
              const error = thrownBy(() => transition(state, event, totalSteps));
              expect(isCadenzaError(error, "ILLEGAL_TRANSITION")).toBe(true);
              expect((error as CadenzaError).details).toEqual({ from: state.status, event: event.type });
              continue;
            }
            const before = state;
            state = transition(state, event, totalSteps);
            if (isTerminalStatus(state.status)) expect(state.nextEmailAt).toBeNull();
            if (state.status !== "paused") expect(state.pausedUntil).toBeNull();
            if (state.status === "paused") expect(state.nextEmailAt).toBeNull();
            if (state.status === "active") expect(state.nextEmailAt).not.toBeNull();
            expect(state.currentStep).toBeLessThanOrEqual(totalSteps);
            expect(state.emailsSent).toBe(state.currentStep);
            expect(state.hasReplied).toBe(state.repliedAt !== null);
            if (before.assignedVariant !== null) expect(state.assignedVariant).toBe(before.assignedVariant);
            if (state.currentStep > 0) expect(state.assignedVariant).not.toBeNull();
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
