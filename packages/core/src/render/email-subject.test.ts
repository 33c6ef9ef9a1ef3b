import { describe, expect, it } from "vitest";
import { sanitizeSubject, threadSubject } from "./email-subject.js";

describe("threadSubject", () => {
  it("prefixes the first subject with Re:", () => {
    expect(threadSubject("Quick question about Harbor View")).toBe("Re: Quick question about Harbor View");
  });

  it("does not double a Re: in any case or spacing", () => {
    for (const s of ["Re: Hi", "RE: Hi", "re:Hi", "Re : Hi"]) expect(threadSubject(s)).toBe(s);
    expect(threadSubject("Regarding Harbor View")).toBe("Re: Regarding Harbor View");
  });

  it("keeps the thread subject on one line", () => {
    expect(threadSubject("  Hi\r\nBcc: x@y  ")).toBe("Re: Hi Bcc: x@y");
  });
});

describe("sanitizeSubject", () => {
  it("turns each run of control characters and line separators into one space, then trims", () => {
    expect(sanitizeSubject("\tA\r\n\r\nB\u0007C\u2028D\u0085E ")).toBe("A B C D E");
  });
});
