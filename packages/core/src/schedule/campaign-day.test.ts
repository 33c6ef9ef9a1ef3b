import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { campaignDay, utcDay } from "./campaign-day.js";
import { formatLocalDate, localDateTime, offsetMs, zonedInstant } from "./zoned-time.js";

const at = (iso: string) => new Date(iso);
const instantArb = fc.date({
  min: at("1990-01-01T00:00:00Z"),
  max: at("2100-01-01T00:00:00Z"),
  noInvalidDate: true,
});

describe("campaignDay", () => {
  it("is the calendar date in the campaign's zone", () => {
    // 20:00 UTC on 2026-01-05 is 01:30 on 2026-01-06 in Kolkata and 15:00 on 2026-01-05 in New York.
    expect(campaignDay(at("2026-01-05T20:00:00Z"), "Asia/Kolkata")).toBe("2026-01-06");
    expect(campaignDay(at("2026-01-05T20:00:00Z"), "America/New_York")).toBe("2026-01-05");
    expect(campaignDay(at("2026-01-05T20:00:00Z"), "UTC")).toBe("2026-01-05");
  });

  it("changes at local midnight, including on a clock-change day", () => {
    // Berlin: midnight 2026-03-29 is 23:00 UTC the day before (CET); midnight 2026-03-30 is 22:00 UTC (CEST).
    expect(campaignDay(at("2026-03-28T22:59:59Z"), "Europe/Berlin")).toBe("2026-03-28");
    expect(campaignDay(at("2026-03-28T23:00:00Z"), "Europe/Berlin")).toBe("2026-03-29");
    expect(campaignDay(at("2026-03-29T21:59:59Z"), "Europe/Berlin")).toBe("2026-03-29");
    expect(campaignDay(at("2026-03-29T22:00:00Z"), "Europe/Berlin")).toBe("2026-03-30");
  });

  it("rejects an unknown zone", () => {
    expect(() => campaignDay(at("2026-01-05T20:00:00Z"), "Atlantis/Capital")).toThrow(
      expect.objectContaining({
        code: "VALIDATION",
        issues: [expect.objectContaining({ path: ["timezone"] })],
      }),
    );
  });

  it("equals the date at the zone's fixed offset, for zones without clock changes", () => {
    const fixedOffsets = [
      ["UTC", 0],
      ["Asia/Kolkata", 5.5],
      ["Asia/Kathmandu", 5.75],
      ["Etc/GMT+5", -5],
      ["Pacific/Kiritimati", 14],
    ] as const;
    fc.assert(
      // Kathmandu and Kiritimati last changed their offsets before 1996.
      fc.property(
        fc.date({ min: at("1996-01-01T00:00:00Z"), max: at("2100-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...fixedOffsets),
        (instant, [zone, hours]) => {
          const shifted = new Date(instant.getTime() + hours * 3_600_000);
          expect(campaignDay(instant, zone)).toBe(shifted.toISOString().slice(0, 10));
        },
      ),
    );
  });

  it("equals the local date that the platform's date formatting shows, for zones with clock changes", () => {
    const zones = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Sao_Paulo"];
    fc.assert(
      fc.property(instantArb, fc.constantFrom(...zones), (instant, zone) => {
        const shown = instant.toLocaleDateString("en-CA", {
          timeZone: zone,
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
        });
        expect(campaignDay(instant, zone)).toBe(shown);
      }),
    );
  });
});

describe("campaignDay's kept days", () => {
  // Half-hour and quarter-hour offsets, half-hour DST (Lord Howe), a skipped day (Apia, 2011),
  // offsets of minutes and seconds (Monrovia until 1972, Amsterdam until 1937), negative DST (Dublin).
  const zones = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Amsterdam",
    "Africa/Monrovia",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Asia/Pyongyang",
    "America/St_Johns",
    "America/Caracas",
    "America/Sao_Paulo",
    "Australia/Eucla",
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "Pacific/Marquesas",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Antarctica/Troll",
  ];
  const uncached = (instant: Date, zone: string) => formatLocalDate(localDateTime(instant, zone));
  const HOUR = 3_600_000;

  it("equal the day read afresh for instants near local midnights, in any order", () => {
    const localDate = fc.record({
      year: fc.integer({ min: 1850, max: 2100 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
    });
    // Walks in small steps around a local midnight, so most calls are answered from the kept day.
    const walk = fc.tuple(
      fc.constantFrom(...zones),
      localDate,
      fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
      fc.array(fc.integer({ min: -20 * 60_000, max: 20 * 60_000 }), { minLength: 1, maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(walk, { minLength: 1, maxLength: 4 }), (walks) => {
        for (const [zone, date, from, steps] of walks) {
          let instant = zonedInstant({ ...date, hour: 0, minute: 0, second: 0 }, zone).getTime() + from;
          for (const step of steps) {
            instant += step;
            expect(campaignDay(new Date(instant), zone)).toBe(uncached(new Date(instant), zone));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("equal the day read afresh through every offset change of the zones, minute by minute", () => {
    let changes = 0;
    for (const zone of zones) {
      for (const year of [1937, 1972, 2007, 2011, 2015, 2016, 2018, 2024, 2026]) {
        let day = Date.UTC(year, 0, 1);
        let offset = offsetMs(day, zone);
        for (let i = 0; i < 366; i++, day += 24 * HOUR) {
          const next = offsetMs(day + 24 * HOUR, zone);
          if (next === offset) continue;
          offset = next;
          changes++;
          // Steps of 61 s cross every quarter-hour edge at a different second.
          for (let at = day - 2 * HOUR; at < day + 26 * HOUR; at += 61_000) {
            expect(campaignDay(new Date(at), zone), `${zone} ${new Date(at).toISOString()}`).toBe(
              uncached(new Date(at), zone),
            );
          }
        }
      }
    }
    expect(changes).toBeGreaterThan(100);
    // An exhaustive walk (~4 s on two cores, past the default 5 s on a busy machine): the limit is
    // room to finish, not a speed claim.
  }, 30_000);
});

describe("utcDay", () => {
  it("is the calendar date in UTC", () => {
    expect(utcDay(at("2026-01-05T23:59:59.999Z"))).toBe("2026-01-05");
    expect(utcDay(at("2026-01-06T00:00:00Z"))).toBe("2026-01-06");
  });

  it("equals the date part of the ISO string", () => {
    fc.assert(fc.property(instantArb, (instant) => utcDay(instant) === instant.toISOString().slice(0, 10)));
  });
});
