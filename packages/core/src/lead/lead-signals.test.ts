import { describe, expect, it } from "vitest";
import { testCadenza } from "../testing/index.js";

async function sentToAna() {
  const engine = testCadenza({ seed: 4 });
  const { cadenza, transport } = engine;
  await cadenza.prospects.upsert([{ email: "ana@example.com" }]);
  const campaign = await cadenza.campaigns.create({
    name: "Signals",
    dailyLimit: 10,
    steps: [{ stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } }],
  });
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  await cadenza.dispatch.tick();
  const [email] = await cadenza.store.findEmailsByMessageId([transport.sent[0]!.messageId]);
  return { ...engine, campaign, email: email! };
}

describe("a hard bounce reported after the lead stopped", () => {
  it("still suppresses the address and counts the bounce once, and the lead keeps its status", async () => {
    const { cadenza, campaign, email } = await sentToAna();
    await cadenza.leads.recordReply({ emailId: email.id });
    const bounce = { type: "hard", status: "5.1.1", reason: "mailbox gone" } as const;
    await cadenza.leads.recordBounce({ emailId: email.id }, bounce);
    await cadenza.leads.recordBounce({ emailId: email.id }, bounce);

    expect((await cadenza.leads.get(email.leadId!))?.status).toBe("replied");
    expect(await cadenza.suppressions.check(["ana@example.com"])).toEqual(["ana@example.com"]);
    expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ replies: 1, bouncedHard: 1 });
    const bounced = await cadenza.store.listEvents({ leadId: email.leadId!, kinds: ["bounced"], limit: 10 });
    expect(bounced.map((e) => e.data)).toEqual([
      { from: "replied", to: "replied", type: "hard", status: "5.1.1", reason: "5.1.1 mailbox gone" },
    ]);
  });
});
