import { describe, expect, it } from "vitest";
import { createCadenza } from "../cadenza.js";
import type { CampaignInput } from "../campaign/campaign-schema.js";
import type { Clock, OutboundMessage, SendResult, Store, Transport } from "../ports.js";
import {
  FakeClock,
  memoryStore,
  seededRandom,
  sequentialIds,
  type TestCadenzaOptions,
  testCadenza,
} from "../testing/index.js";

const START = "2026-01-05T10:00:00Z";
const ACCEPTED: SendResult = { status: "accepted", response: "250 OK" };

const oneStep: CampaignInput = {
  name: "One step",
  dailyLimit: 1000,
  steps: [{ stepNumber: 1, variantA: { subject: "Hi {{first_name}}", body: "Hello {{first_name}}" } }],
};

function engine(options: TestCadenzaOptions = {}) {
  return testCadenza({ start: START, seed: 5, ...options });
}

async function seeded(cadenza: ReturnType<typeof createCadenza>, count: number) {
  const created = await cadenza.campaigns.create(oneStep);
  await cadenza.prospects.upsert(
    Array.from({ length: count }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
  );
  await cadenza.audience.enroll(created.id, { filter: {} });
  await cadenza.campaigns.activate(created.id);
  return created;
}

/** A transport whose first send hangs until released (a slow server); the others answer at once. */
function slowFirstTransport(): Transport & { calls: OutboundMessage[]; release(): void } {
  const calls: OutboundMessage[] = [];
  let release = () => {};
  return {
    name: "slow-first",
    calls,
    send(message) {
      calls.push(message);
      if (calls.length > 1) return Promise.resolve(ACCEPTED);
      return new Promise((resolve) => {
        release = () => resolve(ACCEPTED);
      });
    },
    release: () => release(),
  };
}

/** A memory store that counts the renewals asked of it. */
function countingRenewals(): { store: Store; renewals: () => number } {
  const memory = memoryStore();
  let renewed = 0;
  const store: Store = {
    ...memory,
    renewLeases: (renewal) => {
      renewed += 1;
      return memory.renewLeases!(renewal);
    },
  };
  return { store, renewals: () => renewed };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Moves the clock in steps, letting the engine act (renew) between them. */
async function pass(clock: FakeClock, ms: number, step = 5_000) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

describe("lease renewal", () => {
  it("keeps a slow batch's leads past its lease: no other worker takes them, every outcome is recorded", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const slow = slowFirstTransport();
    const dispatch = { leaseMs: 60_000, concurrency: 1, batchSize: 3 };
    const first = engine({ store, clock, transport: slow, dispatch });
    const campaign = await seeded(first.cadenza, 3);
    const tick = first.cadenza.dispatch.tick();
    await settle();
    expect(slow.calls).toHaveLength(1);

    // Three leases long: the first worker renews every 20 s, so the second finds nothing to take.
    await pass(clock, 3 * 60_000);
    const second = engine({ store, clock, idPrefix: 2, dispatch });
    expect(await second.cadenza.dispatch.tick()).toMatchObject({ claimed: 0, unknown: 0 });

    slow.release();
    expect(await tick).toMatchObject({ claimed: 3, sent: 3, unknown: 0 });
    expect(slow.calls).toHaveLength(3);
    const emails = await store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 });
    expect(emails.map((e) => e.status)).toEqual(["sent", "sent", "sent"]);
    expect((await store.getCounters(campaign.id)).steps[0]).toMatchObject({ sent: 3, unknown: 0 });
    expect(await store.audit()).toEqual([]);
  });

  it("lets a send that never returns lose its lead once maxBatchMs has passed: recovered as unknown", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const slow = slowFirstTransport();
    const dispatch = { leaseMs: 60_000, maxBatchMs: 150_000, concurrency: 1, batchSize: 1 };
    const first = engine({ store, clock, transport: slow, dispatch });
    const campaign = await seeded(first.cadenza, 1);
    const tick = first.cadenza.dispatch.tick();
    await settle();

    // Renewed up to 150 s after the claim, not beyond: at 140 s the lead is still held, at 160 s not.
    await pass(clock, 140_000);
    const second = engine({ store, clock, idPrefix: 2, dispatch });
    expect(await second.cadenza.dispatch.tick()).toMatchObject({ claimed: 0 });
    await pass(clock, 20_000);
    expect(await second.cadenza.dispatch.tick()).toMatchObject({ claimed: 1, unknown: 1, sent: 0 });
    expect(second.transport.sent).toHaveLength(0);

    slow.release();
    await tick;
    const [email] = await store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 });
    expect(email?.status).toBe("unknown");
    expect(await store.audit()).toEqual([]);
  });

  it("sends nothing more for leads another worker took while a renewal could not reach the store", async () => {
    const memory = memoryStore();
    let reachable = true;
    const renewals: string[][] = [];
    const store: Store = {
      ...memory,
      async renewLeases(renewal) {
        if (!reachable) throw new Error("store unreachable");
        const renewed = await memory.renewLeases!(renewal);
        renewals.push(renewed);
        return renewed;
      },
    };
    const clock = new FakeClock(START);
    const slow = slowFirstTransport();
    const errors: string[] = [];
    const dispatch = { leaseMs: 60_000, concurrency: 1, batchSize: 2 };
    const first = engine({
      store,
      clock,
      transport: slow,
      dispatch,
      onError: (error, context) => errors.push(`${context}: ${error.message}`),
    });
    const campaign = await seeded(first.cadenza, 2);
    const tick = first.cadenza.dispatch.tick();
    await settle();
    expect(slow.calls).toHaveLength(1);

    reachable = false;
    await pass(clock, 70_000);
    expect(errors).toContain("renewing the leases of 2 leads: store unreachable");
    // The leases ran out: another worker takes both leads and records both attempts as unknown.
    const second = engine({ store: memory, clock, idPrefix: 2, dispatch });
    expect(await second.cadenza.dispatch.tick()).toMatchObject({ claimed: 2, unknown: 2, sent: 0 });

    reachable = true;
    await pass(clock, 20_000);
    expect(renewals.at(-1)).toEqual([]);
    slow.release();
    const report = await tick;
    // The lead still waiting for its send was never sent: only the hung first send went out.
    expect(slow.calls).toHaveLength(1);
    expect(report).toMatchObject({ claimed: 2, released: 1 });
    const emails = await memory.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 });
    expect(emails.map((e) => e.status)).toEqual(["unknown", "unknown"]);
    expect(second.transport.sent).toHaveLength(0);
    expect(await memory.audit()).toEqual([]);
  });

  it("never renews in a loop on a clock whose sleep returns at once", async () => {
    const { store, renewals } = countingRenewals();
    let now = new Date(START).getTime();
    // Time runs (a millisecond per reading) but sleeping takes none: a batch that renewed on every
    // wake would call the store in a loop while its send hangs.
    const clock: Clock = { now: () => new Date(now++), sleep: async () => {} };
    const slow = slowFirstTransport();
    const cadenza = createCadenza({
      store,
      transport: slow,
      clock,
      random: seededRandom(5),
      ids: sequentialIds(1),
      sender: { name: "Ana", email: "ana@sender.test" },
      dispatch: { leaseMs: 60_000, batchSize: 1 },
    });
    await seeded(cadenza, 1);
    const tick = cadenza.dispatch.tick();
    await settle();
    expect(slow.calls).toHaveLength(1);
    slow.release();
    expect(await tick).toMatchObject({ sent: 1 });
    expect(renewals()).toBe(0);
  });

  it("renews nothing and keeps no timer once a batch has written its outcomes", async () => {
    const { store, renewals } = countingRenewals();
    const { cadenza, clock } = engine({ store, dispatch: { leaseMs: 60_000 } });
    await seeded(cadenza, 5);
    expect(await cadenza.dispatch.tick()).toMatchObject({ sent: 5 });
    expect(clock.pendingSleepers).toBe(0);
    await pass(clock, 60_000);
    expect(renewals()).toBe(0);
  });
});
