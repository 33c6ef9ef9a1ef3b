import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../campaign/campaign-schema.js";
import { type TestCadenzaOptions, testCadenza } from "../testing/index.js";

const sequence = (name: string): CampaignInput => ({
  name,
  dailyLimit: 100,
  steps: [
    { stepNumber: 1, variantA: { subject: `${name} 1`, body: "Hello" } },
    { stepNumber: 2, delayDays: 2, variantA: { subject: `${name} 2`, body: "Again" } },
  ],
});

/** Ana and Bo in campaigns A and B, both sent step 1 of each; returns Ana's email of campaign A. */
async function twoCampaigns(options: TestCadenzaOptions = {}) {
  const engine = testCadenza({ seed: 2, ...options });
  const { cadenza } = engine;
  await cadenza.prospects.upsert([{ email: "ana@example.com" }, { email: "bo@example.com" }]);
  const a = await cadenza.campaigns.create(sequence("Spring"));
  const b = await cadenza.campaigns.create(sequence("Partners"));
  for (const c of [a, b]) {
    await cadenza.audience.enroll(c.id, { filter: {} });
    await cadenza.campaigns.activate(c.id);
  }
  await cadenza.dispatch.tick();
  const anaInA = engine.transport.sent.find(
    (m) => m.to.email === "ana@example.com" && m.subject === "Spring 1",
  )!;
  const emails = await cadenza.store.findEmailsByMessageId([anaInA.messageId]);
  return { ...engine, a, b, anaEmailInA: emails[0]! };
}

describe("a reply in one campaign", () => {
  it("pauses the prospect's active leads in the other campaigns, and no one else's", async () => {
    const { cadenza, clock, transport, a, b, anaEmailInA } = await twoCampaigns();
    expect(transport.sent).toHaveLength(4);
    await cadenza.leads.recordReply({ emailId: anaEmailInA.id });

    const anaInB = await cadenza.store.findLead(b.id, anaEmailInA.prospectId!);
    expect(anaInB).toMatchObject({ status: "paused", lastError: "Replied to Spring" });
    expect((await cadenza.leads.list(a.id, { status: "replied" })).map((l) => l.prospectId)).toEqual([
      anaEmailInA.prospectId,
    ]);
    // B's own reply counters do not move: Ana answered A.
    expect((await cadenza.counters(b.id)).steps.reduce((n, s) => n + s.replies, 0)).toBe(0);

    clock.advance(3 * 86_400_000);
    await cadenza.dispatch.tick();
    expect(
      transport.sent
        .slice(4)
        .map((m) => `${m.to.email} ${m.subject}`)
        .sort(),
    ).toEqual(["bo@example.com Partners 2", "bo@example.com Spring 2"]);
  });

  it("leaves the other campaigns alone when the host turns it off", async () => {
    const { cadenza, b, anaEmailInA } = await twoCampaigns({ pauseOtherCampaignsOnReply: false });
    await cadenza.leads.recordReply({ emailId: anaEmailInA.id });
    expect((await cadenza.store.findLead(b.id, anaEmailInA.prospectId!))?.status).toBe("active");
  });
});
