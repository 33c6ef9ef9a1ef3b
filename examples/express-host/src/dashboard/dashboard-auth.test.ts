import { describe, expect, it } from "vitest";
import { dashboardSessions } from "./dashboard-auth.js";

describe("dashboard sessions", () => {
  const sessions = dashboardSessions("the-api-key-0123456789");
  const now = Date.parse("2026-01-05T09:00:00Z");

  it("accepts its own token until it expires", () => {
    const token = sessions.issue(now + 60_000);
    expect(sessions.verify(token, now)).toBe(true);
    expect(sessions.verify(token, now + 59_999)).toBe(true);
    expect(sessions.verify(token, now + 60_000)).toBe(false);
  });

  it("refuses a token made with another key, a changed expiry or a changed signature", () => {
    const token = sessions.issue(now + 60_000);
    expect(dashboardSessions("another-api-key-0123456789").verify(token, now)).toBe(false);
    const [expires, mac] = token.split(".") as [string, string];
    expect(sessions.verify(`${Number(expires) + 3_600_000}.${mac}`, now)).toBe(false);
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === "A" ? "B" : "A"}${mac.at(-1)}`;
    expect(sessions.verify(`${expires}.${flipped}`, now)).toBe(false);
    for (const junk of ["", ".", "abc", `${expires}.`, `${expires}.${mac}x`, "the-api-key-0123456789"]) {
      expect(sessions.verify(junk, now), junk).toBe(false);
    }
  });
});
