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
});
