import { describe, expect, it } from "vitest";
import { isCadenzaError } from "../errors.js";
import { testCadenza } from "../testing/index.js";

const START = new Date("2026-03-02T10:00:00Z");

async function campaignFor(cadenza: ReturnType<typeof testCadenza>["cadenza"]) {
  return cadenza.campaigns.create({
    name: "Suppressions",
    dailyLimit: 100,
    steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Hello" } }],
  });
}

describe("the suppression list", () => {
  it("keeps imported addresses out of enrollment and pauses a lead already enrolled on one", async () => {
    const { cadenza, transport } = testCadenza({ start: START, seed: 1 });
    const campaign = await campaignFor(cadenza);
    await cadenza.prospects.upsert([
      { email: "ana@example.com" },
      { email: "bo@example.com" },
      { email: "cy@example.com" },
    ]);
    await cadenza.audience.enroll(campaign.id, { filter: { search: "cy@" } });
    const added = await cadenza.suppressions.add([
      { email: " Ana@Example.com ", reason: "unsubscribed in our old tool" },
      { email: "cy@example.com" },
    ]);
    expect(added.map((s) => [s.email, s.reason])).toEqual([
      ["ana@example.com", "unsubscribed in our old tool"],
      ["cy@example.com", "manual"],
    ]);

    const enrolled = await cadenza.audience.enroll(campaign.id, { filter: {} });
    // cy is enrolled already, and suppressed: the first reason that applies is the one counted.
    expect(enrolled).toMatchObject({ added: 1, reasons: { suppressed: 2 } });
    await cadenza.campaigns.activate(campaign.id);
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.to.email)).toEqual(["bo@example.com"]);
    const [paused] = await cadenza.leads.list(campaign.id, { status: "paused" });
    expect(paused?.lastError).toBe("Address is suppressed");

    expect(
      await cadenza.suppressions.check(["BO@example.com", "ana@EXAMPLE.com", "ana@example.com"]),
    ).toEqual(["ana@example.com"]);
    const listed = await cadenza.suppressions.list();
    expect(listed.map((s) => s.email).sort()).toEqual(["ana@example.com", "cy@example.com"]);
  });

  it("keeps an address's first reason when it is added again", async () => {
    const { cadenza } = testCadenza({ start: START, seed: 1 });
    await cadenza.suppressions.add({ email: "ana@example.com", reason: "complained" });
    await cadenza.suppressions.add({ email: "ANA@example.com", reason: "manual" });
    expect((await cadenza.suppressions.list()).map((s) => [s.email, s.reason])).toEqual([
      ["ana@example.com", "complained"],
    ]);
  });

  it("refuses a bad address with its index in the path and adds none of the call's addresses", async () => {
    const { cadenza } = testCadenza({ start: START, seed: 1 });
    const error = await cadenza.suppressions
      .add([{ email: "ok@example.com" }, { email: "not-an-address" }])
      .catch((e: unknown) => e);
    expect(isCadenzaError(error, "VALIDATION")).toBe(true);
    expect((error as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual([1, "email"]);
    expect(await cadenza.suppressions.list()).toEqual([]);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ email: `p${i}@example.com` }));
    await expect(cadenza.suppressions.add(tooMany)).rejects.toSatisfy((e) => isCadenzaError(e, "VALIDATION"));
  });
});
