import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WEEKDAYS, type Weekday } from "../campaign/campaign-schema.js";
import { isCadenzaError } from "../errors.js";
import { isInSendWindow, nextWindowOpening, type SendWindow, windowFor } from "./send-window.js";

const WORKDAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday"];
const nineToFive = (timezone: string, sendDays: Weekday[] = WORKDAYS): SendWindow => ({
  sendDays,
  sendTimeStart: 9,
  sendTimeEnd: 17,
  timezone,
});
const at = (iso: string) => new Date(iso);

describe("isInSendWindow", () => {
  const newYork = nineToFive("America/New_York");

  it("opens at the start hour and closes at the end hour, in the window's zone", () => {
    // Monday 2026-03-02, EST (UTC-5).
    expect(isInSendWindow(at("2026-03-02T13:59:59Z"), newYork)).toBe(false);
    expect(isInSendWindow(at("2026-03-02T14:00:00Z"), newYork)).toBe(true);
    expect(isInSendWindow(at("2026-03-02T21:59:59Z"), newYork)).toBe(true);
    expect(isInSendWindow(at("2026-03-02T22:00:00Z"), newYork)).toBe(false);
  });

  it("reads the weekday in the window's zone, not in UTC", () => {
    // Saturday 2026-03-07 01:00 UTC is still Friday 20:00 in New York, after hours.
    const evenings: SendWindow = { ...newYork, sendTimeStart: 18, sendTimeEnd: 23 };
    expect(isInSendWindow(at("2026-03-07T01:00:00Z"), evenings)).toBe(true);
    expect(isInSendWindow(at("2026-03-08T01:00:00Z"), evenings)).toBe(false);
  });

  it("is closed all day on a day that is not a send day", () => {
    expect(isInSendWindow(at("2026-03-07T15:00:00Z"), newYork)).toBe(false);
    expect(isInSendWindow(at("2026-03-08T15:00:00Z"), newYork)).toBe(false);
  });

  it("follows the half-hour offset of Asia/Kolkata", () => {
    const kolkata = nineToFive("Asia/Kolkata");
    // Monday 2026-01-05 09:00 IST is 03:30 UTC.
    expect(isInSendWindow(at("2026-01-05T03:29:59Z"), kolkata)).toBe(false);
    expect(isInSendWindow(at("2026-01-05T03:30:00Z"), kolkata)).toBe(true);
    expect(isInSendWindow(at("2026-01-05T11:29:59Z"), kolkata)).toBe(true);
    expect(isInSendWindow(at("2026-01-05T11:30:00Z"), kolkata)).toBe(false);
  });

  it("moves with the clock change in Europe/Berlin", () => {
    const berlin = nineToFive("Europe/Berlin");
    // Friday 2026-03-27 09:00 is CET (UTC+1); Monday 2026-03-30 09:00 is CEST (UTC+2).
    expect(isInSendWindow(at("2026-03-27T08:00:00Z"), berlin)).toBe(true);
    expect(isInSendWindow(at("2026-03-27T07:59:59Z"), berlin)).toBe(false);
    expect(isInSendWindow(at("2026-03-30T07:00:00Z"), berlin)).toBe(true);
    expect(isInSendWindow(at("2026-03-30T06:59:59Z"), berlin)).toBe(false);
  });

  it("is always open for a 0–24 window on every day", () => {
    const always: SendWindow = {
      sendDays: [...WEEKDAYS],
      sendTimeStart: 0,
      sendTimeEnd: 24,
      timezone: "Europe/Berlin",
    };
    fc.assert(
      fc.property(fc.date({ min: at("1990-01-01"), max: at("2100-01-01"), noInvalidDate: true }), (instant) =>
        isInSendWindow(instant, always),
      ),
    );
  });
});

describe("nextWindowOpening", () => {
  it("returns the instant itself when the window is open", () => {
    const inside = at("2026-03-02T15:30:12.345Z");
    expect(nextWindowOpening(inside, nineToFive("America/New_York"))).toBe(inside);
  });

  it("waits for the start hour later the same day", () => {
    // Monday 2026-01-05 07:00 EST → 09:00 EST.
    expect(nextWindowOpening(at("2026-01-05T12:00:00Z"), nineToFive("America/New_York"))).toEqual(
      at("2026-01-05T14:00:00Z"),
    );
  });

  it("skips Saturday and Sunday, across the New York spring-forward", () => {
    // Friday 2026-03-06 18:00 EST → Monday 2026-03-09 09:00 EDT (UTC-4).
    expect(nextWindowOpening(at("2026-03-06T23:00:00Z"), nineToFive("America/New_York"))).toEqual(
      at("2026-03-09T13:00:00Z"),
    );
  });

  it("skips the weekend across the New York fall-back", () => {
    // Friday 2026-10-30 18:00 EDT → Monday 2026-11-02 09:00 EST (UTC-5).
    expect(nextWindowOpening(at("2026-10-30T22:00:00Z"), nineToFive("America/New_York"))).toEqual(
      at("2026-11-02T14:00:00Z"),
    );
  });

  it("skips the weekend across both Berlin clock changes", () => {
    // Friday 2026-03-27 17:30 CET → Monday 2026-03-30 09:00 CEST.
    expect(nextWindowOpening(at("2026-03-27T16:30:00Z"), nineToFive("Europe/Berlin"))).toEqual(
      at("2026-03-30T07:00:00Z"),
    );
    // Friday 2026-10-23 17:30 CEST → Monday 2026-10-26 09:00 CET.
    expect(nextWindowOpening(at("2026-10-23T15:30:00Z"), nineToFive("Europe/Berlin"))).toEqual(
      at("2026-10-26T08:00:00Z"),
    );
  });

  it("opens at the jump when the start hour does not exist on a spring-forward day", () => {
    const sundayNight: SendWindow = {
      sendDays: ["sunday"],
      sendTimeStart: 2,
      sendTimeEnd: 6,
      timezone: "America/New_York",
    };
    // 2:00 on Sunday 2026-03-08 is skipped; 3:00 EDT (07:00 UTC) is the first instant after it.
    expect(nextWindowOpening(at("2026-03-07T17:00:00Z"), sundayNight)).toEqual(at("2026-03-08T07:00:00Z"));
    const berlin: SendWindow = { ...sundayNight, timezone: "Europe/Berlin" };
    // Berlin skips 2:00–3:00 on Sunday 2026-03-29; 3:00 CEST is 01:00 UTC.
    expect(nextWindowOpening(at("2026-03-28T12:00:00Z"), berlin)).toEqual(at("2026-03-29T01:00:00Z"));
  });

  it("passes over a day whose whole window a spring-forward skips", () => {
    const skipped: SendWindow = {
      sendDays: ["sunday"],
      sendTimeStart: 2,
      sendTimeEnd: 3,
      timezone: "America/New_York",
    };
    // 2:00–3:00 does not happen on 2026-03-08; the next Sunday opens at 2:00 EDT (06:00 UTC).
    expect(nextWindowOpening(at("2026-03-07T17:00:00Z"), skipped)).toEqual(at("2026-03-15T06:00:00Z"));
  });

  it("opens at the first of the two instants when a fall-back repeats the start hour", () => {
    const sundayNight: SendWindow = {
      sendDays: ["sunday"],
      sendTimeStart: 1,
      sendTimeEnd: 5,
      timezone: "America/New_York",
    };
    // 1:00 happens twice on 2026-11-01: first at 05:00 UTC (EDT), again at 06:00 UTC (EST).
    expect(nextWindowOpening(at("2026-10-31T16:00:00Z"), sundayNight)).toEqual(at("2026-11-01T05:00:00Z"));
    // The repeated hour is inside the window too.
    const repeated = at("2026-11-01T06:30:00Z");
    expect(nextWindowOpening(repeated, sundayNight)).toBe(repeated);
  });

  it("opens at local midnight for a 0–24 window after a closed day", () => {
    const weekdaysAllDay: SendWindow = { ...nineToFive("Asia/Kolkata"), sendTimeStart: 0, sendTimeEnd: 24 };
    // Saturday 2026-01-10 10:00 IST → Monday 2026-01-12 00:00 IST (Sunday 18:30 UTC).
    expect(nextWindowOpening(at("2026-01-10T04:30:00Z"), weekdaysAllDay)).toEqual(at("2026-01-11T18:30:00Z"));
  });

  it("opens at 01:00 when a spring-forward at midnight skips 00:00 (São Paulo, 2018)", () => {
    const midnight: SendWindow = {
      sendDays: ["sunday"],
      sendTimeStart: 0,
      sendTimeEnd: 4,
      timezone: "America/Sao_Paulo",
    };
    // On Sunday 2018-11-04 clocks jumped from 00:00 (UTC-3) to 01:00 (UTC-2), at 03:00 UTC.
    expect(nextWindowOpening(at("2018-11-03T12:00:00Z"), midnight)).toEqual(at("2018-11-04T03:00:00Z"));
  });

  it("rejects windows that can never open, naming the field", () => {
    const cases: [Partial<SendWindow>, string][] = [
      [{ sendDays: [] }, "window.sendDays"],
      [{ sendTimeStart: 17, sendTimeEnd: 17 }, "window.sendTimeEnd"],
      [{ sendTimeStart: 18, sendTimeEnd: 9 }, "window.sendTimeEnd"],
      [{ sendTimeEnd: 25 }, "window.sendTimeEnd"],
      [{ timezone: "Mars/Olympus_Mons" }, "window.timezone"],
    ];
    for (const [change, path] of cases) {
      const window = { ...nineToFive("UTC"), ...change };
      let thrown: unknown;
      try {
        nextWindowOpening(at("2026-01-05T12:00:00Z"), window);
      } catch (error) {
        thrown = error;
      }
      expect(isCadenzaError(thrown, "VALIDATION")).toBe(true);
      expect(isCadenzaError(thrown) && thrown.issues.map((issue) => issue.path.join("."))).toContain(path);
    }
  });

  it("rejects an invalid date", () => {
    expect(() => nextWindowOpening(new Date(Number.NaN), nineToFive("UTC"))).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });
});

describe("windowFor", () => {
  const campaign = {
    sendDays: WORKDAYS,
    sendTimeStart: 8,
    sendTimeEnd: 18,
    timezone: "Europe/Berlin",
    useProspectTimezone: true,
  };

  it("reads the window in the prospect's zone when the campaign asks for it", () => {
    expect(windowFor(campaign, { timezone: "Asia/Kolkata" })).toEqual({
      sendDays: WORKDAYS,
      sendTimeStart: 8,
      sendTimeEnd: 18,
      timezone: "Asia/Kolkata",
    });
  });

  it("falls back to the campaign's zone when the prospect has none or an unknown one", () => {
    expect(windowFor(campaign, { timezone: null }).timezone).toBe("Europe/Berlin");
    expect(windowFor(campaign, null).timezone).toBe("Europe/Berlin");
    expect(windowFor(campaign).timezone).toBe("Europe/Berlin");
    expect(windowFor(campaign, { timezone: "Nowhere/Special" }).timezone).toBe("Europe/Berlin");
  });

  it("ignores the prospect's zone when the campaign does not ask for it", () => {
    const fixedZone = { ...campaign, useProspectTimezone: false };
    expect(windowFor(fixedZone, { timezone: "Asia/Kolkata" }).timezone).toBe("Europe/Berlin");
  });

  it("does not share the send days array with the campaign", () => {
    const window = windowFor(campaign);
    window.sendDays.push("saturday");
    expect(campaign.sendDays).toEqual(WORKDAYS);
  });
});
