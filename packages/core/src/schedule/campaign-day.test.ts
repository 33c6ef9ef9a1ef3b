import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { campaignDay, utcDay } from "./campaign-day.js";

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

describe("utcDay", () => {
  it("is the calendar date in UTC", () => {
    expect(utcDay(at("2026-01-05T23:59:59.999Z"))).toBe("2026-01-05");
    expect(utcDay(at("2026-01-06T00:00:00Z"))).toBe("2026-01-06");
  });

  it("equals the date part of the ISO string", () => {
    fc.assert(fc.property(instantArb, (instant) => utcDay(instant) === instant.toISOString().slice(0, 10)));
  });
});
