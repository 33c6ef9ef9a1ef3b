import { isCadenzaError } from "@cadenza/core";
import { describe, expect, it } from "vitest";
import { parseIsoDuration } from "./iso-duration.js";

describe("parseIsoDuration", () => {
  it("reads weeks, days, hours, minutes and seconds", () => {
    expect(parseIsoDuration("PT6H")).toBe(6 * 3_600_000);
    expect(parseIsoDuration("P1DT12H")).toBe(36 * 3_600_000);
    expect(parseIsoDuration("P2W")).toBe(14 * 86_400_000);
    expect(parseIsoDuration("PT1M30.5S")).toBe(90_500);
    expect(parseIsoDuration("pt15m")).toBe(900_000);
  });

  it("refuses years, months, empty durations and prose, naming the field", () => {
    for (const text of ["P1Y", "P1M", "P", "PT", "6 hours", "-PT1H"]) {
      let caught: unknown;
      try {
        parseIsoDuration(text, ["advance"]);
      } catch (error) {
        caught = error;
      }
      expect(isCadenzaError(caught, "VALIDATION"), text).toBe(true);
      expect((caught as { issues: { path: unknown[] }[] }).issues[0]!.path).toEqual(["advance"]);
    }
  });
});
