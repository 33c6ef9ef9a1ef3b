import { describe, expect, it } from "vitest";
import { findReturnDate } from "./return-date.js";

const REF = new Date("2026-11-20T09:00:00Z");
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("findReturnDate", () => {
  const table: [string, Date | null, Date | null][] = [
    ["I'm out of the office and will be back on December 2.", REF, day("2026-12-02")],
    ["I will return on Monday, Dec 7th, 2026 and reply then.", REF, day("2026-12-07")],
    ["I am away until 12/02/2026 with limited access to email.", REF, day("2026-12-03")],
    ["Back 2026-12-01.", REF, day("2026-12-01")],
    ["I am out of the office until 2 December.", REF, day("2026-12-03")],
    ["Ich bin bis zum 04.12.2026 nicht im Büro.", REF, day("2026-12-05")],
    ["Ab dem 7. Dezember bin ich wieder erreichbar.", REF, day("2026-12-07")],
    ["Ich bin ab 3.12. wieder im Büro.", REF, day("2026-12-03")],
    ["Je suis absent jusqu'au 5 décembre inclus.", REF, day("2026-12-06")],
    ["Je serai de retour le 1er décembre 2026.", REF, day("2026-12-01")],
    ["Estaré fuera hasta el 3 de diciembre.", REF, day("2026-12-04")],
    ["Regreso el 02/12/2026.", REF, day("2026-12-02")],
    ["Back on January 5.", REF, day("2027-01-05")],
    ["Away from Nov 25 to Nov 30 2026, no keyword here", REF, day("2026-11-30")],
    ["Back on 13/01/2027 (day first, as 13 cannot be a month).", REF, day("2027-01-13")],
    ["I'm away. Back soon!", REF, null],
    ["Back on February 30.", REF, null],
    ["Back on 2030-01-01, far too far ahead.", REF, null],
    ["Back on December 2.", null, null],
    ["Back on 2026-12-02.", null, day("2026-12-02")],
    ["Back on 192.168.1.10", REF, null],
  ];
  for (const [text, reference, expected] of table) {
    it(`${JSON.stringify(text)} → ${expected?.toISOString().slice(0, 10) ?? "null"}`, () => {
      expect(findReturnDate(text, reference)).toEqual(expected);
    });
  }

  it("reads only the start of a long message", () => {
    expect(findReturnDate(`${"x ".repeat(3000)} back on December 2`, REF)).toBeNull();
  });
});
