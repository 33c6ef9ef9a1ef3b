import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../campaign/campaign-schema.js";
import type { OutboundMessage, SendResult, Store, Transport } from "../ports.js";
import { FakeClock, memoryStore, type TestCadenzaOptions, testCadenza } from "../testing/index.js";

// Monday 5 January 2026, 10:00 UTC: inside the default 9–17 Mon–Fri window.
const START = "2026-01-05T10:00:00Z";
const ACCEPTED: SendResult = { status: "accepted", response: "250 OK" };

const oneStep = (dailyLimit: number): CampaignInput => ({
  name: "One step",
  dailyLimit,
  steps: [{ stepNumber: 1, variantA: { subject: "Hi {{first_name}}", body: "Hello {{first_name}}" } }],
});

function engine(options: TestCadenzaOptions = {}) {
  return testCadenza({ start: START, seed: 5, ...options, dispatch: { batchSize: 5, ...options.dispatch } });
}

async function seeded(cadenza: ReturnType<typeof engine>["cadenza"], count: number, dailyLimit = 1000) {
  const campaign = await cadenza.campaigns.create(oneStep(dailyLimit));
  await cadenza.prospects.upsert(
    Array.from({ length: count }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
  );
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  return campaign;
}

/** A transport whose sends wait until the test lets them through, one call or all at once. */
function gatedTransport(): Transport & { calls: OutboundMessage[]; releaseAll(): void; pending(): number } {
  const waiting: (() => void)[] = [];
  const calls: OutboundMessage[] = [];
  return {
    name: "gated",
    calls,
    send(message) {
      calls.push(message);
      return new Promise((resolve) => waiting.push(() => resolve(ACCEPTED)));
    },
    releaseAll() {
      for (const release of waiting.splice(0)) release();
    },
    pending: () => waiting.length,
  };
}

/** Lets queued promise callbacks run until `condition` holds (no timers involved). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

async function expectTrueCounters(store: Store, campaignId: string, sent: number) {
  const emails = await store.listEmails({ campaignId, limit: 1000, offset: 0 });
  expect(emails.filter((e) => e.status === "sent")).toHaveLength(sent);
  expect(emails.filter((e) => e.status !== "sent")).toEqual([]);
  expect(new Set(emails.map((e) => e.leadId)).size).toBe(emails.length);
  expect((await store.getCounters(campaignId)).emailsSent).toBe(sent);
  expect(await store.audit()).toEqual([]);
}

describe("batches in flight", () => {
  it("claims and sends the next batch while the last one is still sending, each lead once", async () => {
    const transport = gatedTransport();
    const { cadenza, store } = engine({ transport, dispatch: { batchesInFlight: 3 } });
    const campaign = await seeded(cadenza, 23);
    const tick = cadenza.dispatch.tick();
    // Three batches of five are in the transport at once; the fourth waits for room.
    await until(() => transport.calls.length === 15);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.calls).toHaveLength(15);
    while (transport.calls.length < 23 || transport.pending() > 0) {
      transport.releaseAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const report = await tick;
    expect(report).toMatchObject({ claimed: 23, sent: 23, more: false });
    expect(new Set(transport.calls.map((m) => m.idempotencyKey)).size).toBe(23);
    await expectTrueCounters(store, campaign.id, 23);
  });

  it("one batch in flight sends batch after batch", async () => {
    const transport = gatedTransport();
    const { cadenza } = engine({ transport, dispatch: { batchesInFlight: 1 } });
    await seeded(cadenza, 12);
    const tick = cadenza.dispatch.tick();
    await until(() => transport.calls.length === 5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.calls).toHaveLength(5);
    while (transport.calls.length < 12 || transport.pending() > 0) {
      transport.releaseAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await tick).sent).toBe(12);
  });

  it("never goes past the daily limit, however many batches are in flight", async () => {
    const transport = gatedTransport();
    const { cadenza, store } = engine({ transport, dispatch: { batchesInFlight: 4 } });
    const campaign = await seeded(cadenza, 40, 13);
    const tick = cadenza.dispatch.tick();
    await until(() => transport.calls.length === 13);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(transport.calls).toHaveLength(13);
    transport.releaseAll();
    expect(await tick).toMatchObject({ sent: 13 });
    // The quota stays spent: a second tick the same day sends nothing.
    expect(await cadenza.dispatch.tick()).toMatchObject({ sent: 0 });
    await expectTrueCounters(store, campaign.id, 13);
  });

  it("holds the daily limit across two engines with batches in flight sharing a store", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const a = engine({ store, clock, idPrefix: 1, dispatch: { batchesInFlight: 3 } });
    const b = engine({ store, clock, idPrefix: 2, dispatch: { batchesInFlight: 2 } });
    const campaign = await seeded(a.cadenza, 100, 32);
    await Promise.all([a.cadenza.dispatch.tick(), b.cadenza.dispatch.tick(), a.cadenza.dispatch.tick()]);
    const keys = [...a.transport.sent, ...b.transport.sent].map((m) => m.idempotencyKey);
    expect(keys).toHaveLength(32);
    expect(new Set(keys).size).toBe(32);
    await expectTrueCounters(store, campaign.id, 32);
  });

  for (const { leads, inFlight } of [
    { leads: 30, inFlight: 10 }, // stopped while waiting for room for a third batch
    { leads: 8, inFlight: 8 }, // stopped after the last claim, both batches still sending
  ]) {
    it(`stops only once every batch in flight is recorded (${leads} due leads)`, async () => {
      const transport = gatedTransport();
      const { cadenza, store } = engine({
        transport,
        dispatch: { batchesInFlight: 2, pollIntervalMs: 60_000 },
      });
      const campaign = await seeded(cadenza, leads);
      const worker = cadenza.dispatch.start();
      await until(() => transport.calls.length === inFlight);
      let stopped = false;
      const stopping = worker.stop().then(() => {
        stopped = true;
      });
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      transport.releaseAll();
      await stopping;
      // Nothing new was claimed after the stop; what was in flight is recorded, nothing left sending.
      expect(transport.calls).toHaveLength(inFlight);
      await expectTrueCounters(store, campaign.id, inFlight);
      expect(
        (await store.listLeads(campaign.id, { limit: 100, offset: 0 })).filter((l) => l.currentStep === 1),
      ).toHaveLength(inFlight);
    });
  }

  it("fences a batch whose sends outlasted its lease and maxBatchMs while another batch was in flight: reported unknown, never re-sent", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const stuck = gatedTransport();
    const first = engine({
      store,
      clock,
      transport: stuck,
      dispatch: { leaseMs: 60_000, maxBatchMs: 60_000, batchesInFlight: 2 },
    });
    const campaign = await seeded(first.cadenza, 10);
    const stalled = first.cadenza.dispatch.tick();
    await until(() => stuck.calls.length === 10);

    clock.advance(2 * 60_000);
    const second = engine({ store, clock, idPrefix: 2 });
    const report = await second.cadenza.dispatch.tick();
    expect(report).toMatchObject({ unknown: 10, sent: 0 });
    expect(second.transport.sent).toHaveLength(0);

    stuck.releaseAll();
    await stalled;
    const emails = await store.listEmails({ campaignId: campaign.id, limit: 100, offset: 0 });
    expect(emails).toHaveLength(10);
    expect(emails.every((e) => e.status === "unknown")).toBe(true);
    expect(await store.audit()).toEqual([]);
  });

  it("waits for the other batches in flight before it reports a batch's failure", async () => {
    const memory = memoryStore();
    let begun = 0;
    const store: Store = {
      ...memory,
      beginSends: (emails, at) => {
        begun += 1;
        return begun === 1 ? Promise.reject(new Error("store went away")) : memory.beginSends(emails, at);
      },
    };
    const transport = gatedTransport();
    const { cadenza } = engine({ store, transport, dispatch: { batchesInFlight: 2 } });
    const campaign = await seeded(cadenza, 10);
    let failed = false;
    const tick = cadenza.dispatch.tick().catch((error: Error) => {
      failed = true;
      return error;
    });
    await until(() => transport.calls.length === 5);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(failed).toBe(false);
    transport.releaseAll();
    expect(await tick).toMatchObject({ message: "store went away" });
    const emails = await memory.listEmails({ campaignId: campaign.id, limit: 100, offset: 0 });
    expect(emails.map((e) => e.status)).toEqual(Array(5).fill("sent"));
  });
});
