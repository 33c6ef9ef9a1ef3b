import { CadenzaError } from "@cadenza/core";

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds of an ISO-8601 duration in weeks, days, hours, minutes and seconds (`P1W`, `PT6H`,
 * `P2DT30M`). Years and months are refused: their length depends on the date they start from.
 *
 * ```ts
 * parseIsoDuration("P1DT6H"); // 108000000
 * ```
 */
export function parseIsoDuration(text: string, path: (string | number)[] = []): number {
  const match = DURATION.exec(text.trim().toUpperCase());
  if (!match || text.trim().toUpperCase() === "P") {
    throw new CadenzaError("VALIDATION", {
      issues: [
        {
          path,
          message:
            "Expected an ISO-8601 duration in weeks, days, hours, minutes or seconds, e.g. PT6H or P1DT12H",
          code: "invalid_format",
        },
      ],
    });
  }
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return Math.round(((((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000);
}
