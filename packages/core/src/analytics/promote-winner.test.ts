import { describe, expect, it } from "vitest";
import { createCadenza } from "../cadenza.js";
import type { CampaignInput } from "../campaign/campaign-schema.js";
import type { CadenzaEvent } from "../events/event-hooks.js";
import { FakeClock, memoryStore, recordingTransport, seededRandom, sequentialIds } from "../testing/index.js";

// Monday 5 January 2026, 10:00 UTC: inside the default 9–17 Mon–Fri window.
const START = "2026-01-05T10:00:00Z";
const DAY = 86_400_000;

const abCampaign: CampaignInput = {
  name: "Promotion",
  dailyLimit: 10_000,
  abTestingEnabled: true,
  steps: [
    {
      stepNumber: 1,
      variantA: { subject: "Subject A", body: "Body A" },
      variantB: { subject: "Subject B", body: "Body B" },
    },
    {
      stepNumber: 2,
      delayDays: 2,
      variantA: { subject: "Follow-up A", body: "Again A" },
      variantB: { subject: "Follow-up B", body: "Again B" },
    },
  ],
};

function engine() {
  const store = memoryStore();
  const clock = new FakeClock(START);
  const transport = recordingTransport();
  const cadenza = createCadenza({
    store,
    transport,
    clock,
    random: seededRandom(5),
    ids: sequentialIds(1),
    sender: { name: "Ana", email: "ana@sender.test" },
  });
  return { cadenza, store, clock, transport };
}

const prospects = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ email: `p${from + i}@example.com`, firstName: `P${from + i}` }));

describe("winner promotion", () => {
  it("promotes step 1's significant winner once, and only leads without a first email get it", async () => {
    const { cadenza, store, clock, transport } = engine();
    const events: CadenzaEvent[] = [];
    cadenza.on("winner_promoted", (e) => {
      events.push(e);
    });
    const campaign = await cadenza.campaigns.create(abCampaign);
    await cadenza.prospects.upsert(prospects(0, 400));
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    expect((await cadenza.dispatch.tick()).sent).toBe(400);

    // B draws replies from one lead in four, A from one in twenty.
    const firstEmails = [...store.tables.emails.values()].filter((e) => e.stepNumber === 1);
    const seen = { A: 0, B: 0 };
    for (const email of firstEmails) {
      const n = seen[email.variant!]++;
      if (email.variant === "B" ? n % 4 === 0 : n % 20 === 0)
        await cadenza.leads.recordReply({ emailId: email.id });
    }
    expect(seen.A + seen.B).toBe(400);
    expect(Math.min(seen.A, seen.B)).toBeGreaterThanOrEqual(150);

    const early = await cadenza.analytics.promoteWinner(campaign.id, { minSample: 1_000 });
    expect(early).toMatchObject({ outcome: "insufficient_sample", winner: null });
    expect((await cadenza.campaigns.get(campaign.id))!.winnerVariant).toBeNull();

    // Enrolled before the promotion but not yet sent: a random lead, and one pinned to A.
    const [pinned] = await cadenza.prospects.upsert(prospects(400, 1));
    await cadenza.audience.enroll(campaign.id, { prospectIds: [pinned!.id], variant: "A" });
    await cadenza.prospects.upsert(prospects(401, 19));
    await cadenza.audience.enroll(campaign.id, { filter: {} });

    const decision = await cadenza.analytics.promoteWinner(campaign.id);
    expect(decision).toMatchObject({
      campaignId: campaign.id,
      metric: "replies",
      outcome: "promoted",
      winner: "B",
    });
    expect(decision.comparison!.verdict).toBe("B");
    expect(decision.comparison!.pValue).toBeLessThan(0.05);
    expect((await cadenza.campaigns.get(campaign.id))!.winnerVariant).toBe("B");
    const stored = await store.listEvents({ campaignId: campaign.id, kinds: ["winner_promoted"], limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.data).toMatchObject({ variant: "B", metric: "replies", stepNumber: 1 });
    expect(events.map((e) => e.id)).toEqual([stored[0]!.id]);

    const again = await cadenza.analytics.promoteWinner(campaign.id, { metric: "opens" });
    expect(again).toMatchObject({ outcome: "already_promoted", winner: "B", comparison: null });
    expect(
      await store.listEvents({ campaignId: campaign.id, kinds: ["winner_promoted"], limit: 10 }),
    ).toHaveLength(1);

    // Leads enrolled after the promotion, and the unsent random ones, start with B.
    await cadenza.prospects.upsert(prospects(420, 30));
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    transport.reset();
    expect((await cadenza.dispatch.tick()).sent).toBe(50);
    const pinnedLead = await store.findLead(campaign.id, pinned!.id);
    for (const message of transport.sent) {
      const expected = message.idempotencyKey.startsWith(`${pinnedLead!.id}:`) ? "Subject A" : "Subject B";
      expect(message.subject).toBe(expected);
    }

    // Leads mid-sequence keep the variant they started with.
    clock.advance(2 * DAY + 3_600_000);
    transport.reset();
    await cadenza.dispatch.tick();
    const variantOfLead = new Map(firstEmails.map((e) => [e.leadId, e.variant]));
    const followUps = transport.sent.filter((m) => variantOfLead.has(m.idempotencyKey.split(":")[0]!));
    expect(followUps.length).toBeGreaterThan(250);
    for (const m of followUps) {
      expect(m.subject).toBe(`Follow-up ${variantOfLead.get(m.idempotencyKey.split(":")[0]!)}`);
    }
    expect(followUps.some((m) => m.subject === "Follow-up A")).toBe(true);
  });

  it("promotes nothing without an A/B test on step 1 or without a significant difference", async () => {
    const { cadenza, store } = engine();
    const single = await cadenza.campaigns.create({
      name: "Single",
      dailyLimit: 1000,
      steps: [{ stepNumber: 1, variantA: { subject: "Only", body: "A" } }],
    });
    const even = await cadenza.campaigns.create(abCampaign);
    await cadenza.prospects.upsert(prospects(0, 300));
    for (const c of [single, even]) {
      await cadenza.audience.enroll(c.id, { filter: {} });
      await cadenza.campaigns.activate(c.id);
    }
    await cadenza.dispatch.tick();
    let n = 0;
    for (const email of store.tables.emails.values()) {
      if (email.campaignId === even.id && n++ % 10 === 0)
        await cadenza.leads.recordReply({ emailId: email.id });
    }

    expect(await cadenza.analytics.promoteWinner(single.id)).toMatchObject({
      outcome: "no_ab_test",
      winner: null,
    });
    const undecided = await cadenza.analytics.promoteWinner(even.id);
    expect(undecided.outcome).toBe("undecided");
    expect(undecided.comparison!.sampleReached).toBe(true);
    expect((await cadenza.campaigns.get(even.id))!.winnerVariant).toBeNull();
    expect(await store.listEvents({ kinds: ["winner_promoted"], limit: 10 })).toEqual([]);
  });
});
