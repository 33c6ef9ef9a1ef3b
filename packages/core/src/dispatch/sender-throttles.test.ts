import { describe, expect, it } from "vitest";
import type { SendResult } from "../ports.js";
import { type TestCadenzaOptions, testCadenza } from "../testing/index.js";

// Monday 5 January 2026, 09:00 UTC: the default 9–17 window is open for eight hours.
const START = "2026-01-05T09:00:00Z";

function engine(options: TestCadenzaOptions = {}) {
  return testCadenza({ start: START, seed: 7, ...options });
}

const relayThrottle: SendResult = {
  status: "rejected",
  kind: "throttled",
  code: "4.7.0",
  response: "421 4.7.0 Try again later, closing connection.",
};

async function seeded(cadenza: ReturnType<typeof engine>["cadenza"], leads: number, dailyLimit = 1000) {
  const campaign = await cadenza.campaigns.create({
    name: "Throttled",
    dailyLimit,
    steps: [{ stepNumber: 1, variantA: { subject: "Hello", body: "Hi there" } }],
  });
  await cadenza.prospects.upsert(Array.from({ length: leads }, (_, i) => ({ email: `p${i}@example.com` })));
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  return campaign;
}

describe("a throttle on the sending side", () => {
  it("never fails a lead: five leads behind a relay answering 421 for six hours are all delivered after", async () => {
    const { cadenza, clock, transport } = engine();
    const campaign = await seeded(cadenza, 5);
    const throttledUntil = clock.now().getTime() + 6 * 3_600_000;
    transport.script(() => (clock.now().getTime() < throttledUntil ? relayThrottle : undefined));
    for (let minute = 0; minute < 8 * 60; minute += 5) {
      await cadenza.dispatch.tick();
      clock.advance(5 * 60_000);
    }
    const leads = await cadenza.leads.list(campaign.id);
    expect(leads.map((l) => l.status)).toEqual(Array(5).fill("completed"));
    expect(transport.sent).toHaveLength(5);
    expect((await cadenza.counters(campaign.id)).emailsSent).toBe(5);
  });

  it("does not count against the lead's attempts, and keeps the reason", async () => {
    const { cadenza, transport } = engine();
    const campaign = await seeded(cadenza, 1);
    transport.script(() => relayThrottle);
    const failures: Record<string, unknown>[] = [];
    cadenza.on("send_failed", (e) => {
      failures.push(e.data);
    });
    await cadenza.dispatch.tick();
    const [lead] = await cadenza.leads.list(campaign.id);
    expect(lead).toMatchObject({ status: "active", attempts: 0, currentStep: 0 });
    expect(lead?.lastError).toBe("4.7.0 421 4.7.0 Try again later, closing connection.");
    expect(failures).toEqual([expect.objectContaining({ type: "throttled", code: "4.7.0" })]);
  });

  it("gives its daily-quota slot back, so a throttle does not use up the day", async () => {
    const { cadenza, clock, transport } = engine();
    await seeded(cadenza, 10, 5);
    transport.script(() => relayThrottle);
    expect(await cadenza.dispatch.tick()).toMatchObject({ sent: 0, claimed: 5 });
    transport.script(null);
    for (let i = 0; i < 12; i++) {
      clock.advance(10 * 60_000);
      await cadenza.dispatch.tick();
    }
    expect(transport.sent).toHaveLength(5);
  });

  it("stops a batch at the first throttle: the rest are not sent, and keep their place, attempts and slots", async () => {
    const { cadenza, clock, store, transport } = engine({ dispatch: { concurrency: 1 } });
    const campaign = await seeded(cadenza, 5, 50);
    transport.script(() => relayThrottle);
    const failures: Record<string, unknown>[] = [];
    cadenza.on("send_failed", (e) => {
      failures.push(e.data);
    });
    expect(await cadenza.dispatch.tick()).toMatchObject({ claimed: 5, retried: 1, released: 4, sent: 0 });
    expect(transport.attempts).toHaveLength(1);
    const heldUntil = new Date(clock.now().getTime() + 60_000);
    const leads = await cadenza.leads.list(campaign.id);
    expect(leads.every((l) => l.status === "active" && l.attempts === 0)).toBe(true);
    expect(leads.map((l) => l.nextEmailAt)).toEqual(Array(5).fill(heldUntil));
    expect(failures.map((f) => f.type).sort()).toEqual([
      "deferred",
      "deferred",
      "deferred",
      "deferred",
      "throttled",
    ]);
    expect(await store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 })).toEqual([]);
    expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2026-01-05")).toBe(0);
  });

  it.each(["throttled", "transport"] as const)(
    "holds the sender after a %s failure: one lead tries it per hold, each hold twice as long, until a send goes through",
    async (kind) => {
      const { cadenza, clock, store, transport } = engine();
      const campaign = await seeded(cadenza, 20);
      const started = clock.now().getTime();
      const refused: SendResult = { ...relayThrottle, kind };
      let refusing = true;
      transport.script(() => (refusing ? refused : undefined));
      const tried: number[] = [];
      for (let minute = 0; minute <= 75; minute++) {
        if (minute === 45) refusing = false;
        const before = transport.attempts.length;
        await cadenza.dispatch.tick();
        const made = transport.attempts.length - before;
        for (let i = 0; i < made; i++) tried.push(minute);
        if (minute === 4) {
          expect(await store.listSenderHolds!()).toEqual([
            expect.objectContaining({ key: "sender:ana@sender.test", strikes: 3 }),
          ]);
        }
        clock.advance(60_000);
      }
      // The first batch's sends in flight, then one lead when each hold ends: 1 minute, then 2, 4,
      // 8, 16 and 32; the one at 63 goes through, and the next pass sends the rest.
      expect(tried.filter((m) => m > 0)).toEqual([1, 3, 7, 15, 31, 63, ...Array(19).fill(64)]);
      expect(tried.filter((m) => m === 0)).toHaveLength(8);
      const leads = await cadenza.leads.list(campaign.id, { limit: 50 });
      expect(leads.map((l) => l.status)).toEqual(Array(20).fill("completed"));
      expect(await store.listSenderHolds!()).toEqual([]);
      expect(clock.now().getTime() - started).toBe(76 * 60_000);
    },
  );

  it("holds only the throttled mailbox: the campaign's other mailboxes keep sending", async () => {
    const { cadenza, clock, store, transport } = engine();
    const busy = await cadenza.mailboxes.save({ fromEmail: "busy@one.test" });
    const calm = await cadenza.mailboxes.save({ fromEmail: "calm@two.test" });
    const campaign = await cadenza.campaigns.create({
      name: "Two mailboxes",
      mailboxIds: [busy.id, calm.id],
      steps: [
        { stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } },
        { stepNumber: 2, delayHours: 1, variantA: { subject: "Again", body: "Hi again" } },
      ],
    });
    await cadenza.prospects.upsert(Array.from({ length: 6 }, (_, i) => ({ email: `p${i}@example.com` })));
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    transport.script((m) => (m.mailboxId === busy.id ? relayThrottle : undefined));
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.from.email)).toEqual(Array(3).fill("calm@two.test"));
    const fromBusy = () => transport.attempts.filter((a) => a.message.mailboxId === busy.id).length;
    const first = fromBusy();
    for (let second = 10; second < 60; second += 10) {
      clock.advance(10_000);
      await cadenza.dispatch.tick();
    }
    expect(fromBusy()).toBe(first);
    expect(await store.listSenderHolds!()).toEqual([expect.objectContaining({ key: `mailbox:${busy.id}` })]);
    expect((await cadenza.mailboxes.get(busy.id))?.flaggedAt).toBeNull();
    clock.advance(60 * 60_000);
    await cadenza.dispatch.tick();
    expect(transport.sent.filter((m) => m.from.email === "calm@two.test")).toHaveLength(6);
  });

  it("holds the sender for every engine sharing the store", async () => {
    // Batches of five, sent one at a time: the throttle of the first batch's first send holds back
    // that batch and the one claimed beside it, and leaves 20 leads due.
    const dispatch = { batchSize: 5, concurrency: 1 };
    const shared = engine({ dispatch });
    const other = engine({ store: shared.store, clock: shared.clock, idPrefix: 2, dispatch });
    const campaign = await seeded(shared.cadenza, 30);
    shared.transport.script(() => relayThrottle);
    other.transport.script(() => relayThrottle);
    await shared.cadenza.dispatch.tick();
    expect(shared.transport.attempts).toHaveLength(1);
    const due = (await shared.cadenza.leads.list(campaign.id, { limit: 50 })).filter(
      (l) => l.nextEmailAt!.getTime() <= shared.clock.now().getTime() + 30_000,
    );
    expect(due).toHaveLength(20);
    shared.clock.advance(30_000);
    await other.cadenza.dispatch.tick();
    expect(other.transport.attempts).toHaveLength(0);
  });

  it("holds the default sender refused for policy with a growing wait, instead of every ten minutes all day", async () => {
    const { cadenza, clock, store, transport } = engine();
    const campaign = await seeded(cadenza, 3, 50);
    transport.script(() => ({
      status: "rejected",
      kind: "sender",
      code: "5.7.26",
      response: "550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
    }));
    const tried: number[] = [];
    for (let minute = 0; minute < 8 * 60; minute += 5) {
      const before = transport.attempts.length;
      await cadenza.dispatch.tick();
      if (transport.attempts.length > before) tried.push(minute);
      clock.advance(5 * 60_000);
    }
    // 0, then a try when each hold ends (on the next five-minute pass): holds of 1, 2, 4, 8, 16, 32
    // minutes, then the hour at most. 13 tries in the day, not 48.
    expect(tried).toEqual([0, 5, 10, 15, 25, 45, 80, 140, 200, 260, 320, 380, 440]);
    expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2026-01-05")).toBe(3 + 12);
    const leads = await cadenza.leads.list(campaign.id);
    expect(leads.every((l) => l.status === "active" && l.attempts === 0)).toBe(true);
  });
});
