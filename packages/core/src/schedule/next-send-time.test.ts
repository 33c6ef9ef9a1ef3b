import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WEEKDAYS, type Weekday } from "../campaign/campaign-schema.js";
import { nextSendTime } from "./next-send-time.js";
import { nextWindowOpening, type SendWindow } from "./send-window.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORKDAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday"];
const EVERY_DAY: Weekday[] = [...WEEKDAYS];
const at = (iso: string) => new Date(iso);
const window = (timezone: string, overrides: Partial<SendWindow> = {}): SendWindow => ({
  sendDays: WORKDAYS,
  sendTimeStart: 9,
  sendTimeEnd: 17,
  timezone,
  ...overrides,
});

describe("nextSendTime", () => {
  it("adds days as calendar days across the New York spring-forward (a 23-hour day)", () => {
    // Saturday 2026-03-07 10:15 EST + 1 day = Sunday 2026-03-08 10:15 EDT.
    const result = nextSendTime({
      from: at("2026-03-07T15:15:00Z"),
      delayDays: 1,
      delayHours: 0,
      window: window("America/New_York", { sendDays: EVERY_DAY }),
    });
    expect(result).toEqual(at("2026-03-08T14:15:00Z"));
  });

  it("adds days as calendar days across the New York fall-back (a 25-hour day)", () => {
    // Saturday 2026-10-31 10:15 EDT + 1 day = Sunday 2026-11-01 10:15 EST.
    const result = nextSendTime({
      from: at("2026-10-31T14:15:00Z"),
      delayDays: 1,
      delayHours: 0,
      window: window("America/New_York", { sendDays: EVERY_DAY }),
    });
    expect(result).toEqual(at("2026-11-01T15:15:00Z"));
  });

  it("adds days as calendar days across both Berlin clock changes", () => {
    const berlin = window("Europe/Berlin", { sendDays: EVERY_DAY });
    // Friday 2026-03-27 10:15 CET + 3 days = Monday 2026-03-30 10:15 CEST.
    expect(
      nextSendTime({ from: at("2026-03-27T09:15:00Z"), delayDays: 3, delayHours: 0, window: berlin }),
    ).toEqual(at("2026-03-30T08:15:00Z"));
    // Friday 2026-10-23 10:15 CEST + 3 days = Monday 2026-10-26 10:15 CET.
    expect(
      nextSendTime({ from: at("2026-10-23T08:15:00Z"), delayDays: 3, delayHours: 0, window: berlin }),
    ).toEqual(at("2026-10-26T09:15:00Z"));
  });

  it("adds hours as elapsed time, not wall-clock hours", () => {
    // 00:30 EST on 2026-03-08 + 3 hours elapsed = 04:30 EDT (the clock skipped 2:00–3:00).
    const result = nextSendTime({
      from: at("2026-03-08T05:30:00Z"),
      delayDays: 0,
      delayHours: 3,
      window: window("America/New_York", { sendDays: EVERY_DAY, sendTimeStart: 0, sendTimeEnd: 24 }),
    });
    expect(result).toEqual(at("2026-03-08T08:30:00Z"));
  });

  it("moves a step due on Saturday to Monday's opening", () => {
    // Thursday 2026-01-08 10:00 EST + 2 days = Saturday → Monday 2026-01-12 09:00 EST.
    const result = nextSendTime({
      from: at("2026-01-08T15:00:00Z"),
      delayDays: 2,
      delayHours: 0,
      window: window("America/New_York"),
    });
    expect(result).toEqual(at("2026-01-12T14:00:00Z"));
  });

  it("moves a step due after the window closes to the next day's opening", () => {
    // Monday 2026-01-05 15:00 EST + 3 hours = 18:00 → Tuesday 09:00 EST.
    const result = nextSendTime({
      from: at("2026-01-05T20:00:00Z"),
      delayDays: 0,
      delayHours: 3,
      window: window("America/New_York"),
    });
    expect(result).toEqual(at("2026-01-06T14:00:00Z"));
  });

  it("follows the half-hour offset of Asia/Kolkata", () => {
    // Monday 2026-01-05 16:00 IST + 1 hour = 17:00, closed → Tuesday 09:00 IST (03:30 UTC).
    const result = nextSendTime({
      from: at("2026-01-05T10:30:00Z"),
      delayDays: 0,
      delayHours: 1,
      window: window("Asia/Kolkata"),
    });
    expect(result).toEqual(at("2026-01-06T03:30:00Z"));
  });

  it("sends exactly after the delay with a 0–24 window every day", () => {
    const from = at("2026-05-13T17:42:09.123Z");
    const result = nextSendTime({
      from,
      delayDays: 2,
      delayHours: 5,
      window: window("UTC", { sendDays: EVERY_DAY, sendTimeStart: 0, sendTimeEnd: 24 }),
    });
    expect(result).toEqual(new Date(from.getTime() + 2 * DAY + 5 * HOUR));
  });

  it("adds the jitter when it stays inside the window", () => {
    // Monday 2026-01-05 07:00 EST → 09:00 opening + 10 minutes.
    const result = nextSendTime({
      from: at("2026-01-05T12:00:00Z"),
      delayDays: 0,
      delayHours: 0,
      window: window("America/New_York"),
      jitterMs: 10 * 60_000,
    });
    expect(result).toEqual(at("2026-01-05T14:10:00Z"));
  });

  it("moves to the next opening when the jitter carries the send past closing", () => {
    // Friday 2026-01-09 16:55 EST + 10 minutes of jitter = 17:05 → Monday 09:00 EST.
    const result = nextSendTime({
      from: at("2026-01-09T21:55:00Z"),
      delayDays: 0,
      delayHours: 0,
      window: window("America/New_York"),
      jitterMs: 10 * 60_000,
    });
    expect(result).toEqual(at("2026-01-12T14:00:00Z"));
  });

  it("keeps a zero-day wait in the repeated hour of a fall-back as is", () => {
    const from = at("2026-11-01T06:30:00Z"); // 1:30 EST, the second 1:30 of the night
    const allDay = window("America/New_York", { sendDays: EVERY_DAY, sendTimeStart: 0, sendTimeEnd: 24 });
    expect(nextSendTime({ from, delayDays: 0, delayHours: 0, window: allDay })).toEqual(from);
  });

  it("rejects negative delays and jitter, naming the field", () => {
    const base = { from: at("2026-01-05T12:00:00Z"), delayDays: 0, delayHours: 0, window: window("UTC") };
    for (const [change, path] of [
      [{ delayDays: -1 }, "delayDays"],
      [{ delayDays: 1.5 }, "delayDays"],
      [{ delayHours: -2 }, "delayHours"],
      [{ jitterMs: -1 }, "jitterMs"],
      [{ from: new Date(Number.NaN) }, "from"],
    ] as const) {
      expect(() => nextSendTime({ ...base, ...change })).toThrow(
        expect.objectContaining({ code: "VALIDATION", issues: [expect.objectContaining({ path: [path] })] }),
      );
    }
  });
});

// --- Properties, checked against an independent reading of the wall clock -------------------------

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "America/Sao_Paulo",
  "Pacific/Chatham",
] as const;

const wallReaders = new Map<string, Intl.DateTimeFormat>();
function wallClock(instant: Date, timeZone: string): { weekday: Weekday; hour: number } {
  let reader = wallReaders.get(timeZone);
  if (!reader) {
    reader = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "long",
      hour: "2-digit",
      hourCycle: "h23",
    });
    wallReaders.set(timeZone, reader);
  }
  const parts = reader.formatToParts(instant);
  const weekday = parts.find((part) => part.type === "weekday")!.value.toLowerCase() as Weekday;
  const hour = Number(parts.find((part) => part.type === "hour")!.value) % 24;
  return { weekday, hour };
}

function opensAt(instant: Date, window: SendWindow): boolean {
  const { weekday, hour } = wallClock(instant, window.timezone);
  return window.sendDays.includes(weekday) && hour >= window.sendTimeStart && hour < window.sendTimeEnd;
}

const windowArb: fc.Arbitrary<SendWindow> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    sendDays: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    start: fc.integer({ min: 0, max: 23 }),
    length: fc.integer({ min: 1, max: 24 }),
  })
  .map(({ timezone, sendDays, start, length }) => ({
    timezone,
    sendDays,
    sendTimeStart: start,
    sendTimeEnd: Math.min(24, start + length),
  }));

const instantArb = fc.date({
  min: at("2000-01-01T00:00:00Z"),
  max: at("2040-01-01T00:00:00Z"),
  noInvalidDate: true,
});

describe("nextSendTime properties", () => {
  it("never schedules outside the send window or on a closed day, and never before the delay", () => {
    fc.assert(
      fc.property(
        instantArb,
        fc.integer({ min: 0, max: 365 }),
        fc.integer({ min: 0, max: 72 }),
        fc.integer({ min: 0, max: 2 * HOUR }),
        windowArb,
        (from, delayDays, delayHours, jitterMs, sendWindow) => {
          const result = nextSendTime({ from, delayDays, delayHours, window: sendWindow, jitterMs });
          expect(opensAt(result, sendWindow)).toBe(true);
          // Calendar days last 23 to 25 hours where clocks change; no zone here moves more than an hour.
          const elapsed = result.getTime() - from.getTime();
          expect(elapsed).toBeGreaterThanOrEqual(delayDays * DAY + delayHours * HOUR - HOUR);
          if (delayDays === 0) expect(elapsed).toBeGreaterThanOrEqual(delayHours * HOUR);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("nextWindowOpening properties", () => {
  it("finds the first open instant: nothing earlier, on any quarter hour, is open", () => {
    const QUARTER = 15 * 60_000;
    fc.assert(
      fc.property(instantArb, windowArb, (instant, sendWindow) => {
        const opening = nextWindowOpening(instant, sendWindow);
        expect(opens(opening)).toBe(true);
        expect(opening.getTime()).toBeGreaterThanOrEqual(instant.getTime());
        if (opening.getTime() === instant.getTime()) return;
        // Every local hour begins on a UTC quarter hour in these zones, so scanning quarter hours
        // visits every instant at which the window could open.
        for (let t = Math.ceil(instant.getTime() / QUARTER) * QUARTER; t < opening.getTime(); t += QUARTER) {
          expect(opens(new Date(t))).toBe(false);
        }
        function opens(candidate: Date): boolean {
          return opensAt(candidate, sendWindow);
        }
      }),
      { numRuns: 200 },
    );
  });
});
