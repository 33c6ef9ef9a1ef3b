import { describe, expect, it } from "vitest";
import type { CadenzaEvent } from "../events/event-hooks.js";
import type { Store } from "../ports.js";
import { memoryStore, type TestCadenzaOptions, testCadenza } from "../testing/index.js";

// Monday 5 January 2026, 10:00 UTC: inside the default 9–17 Mon–Fri window.
const START = "2026-01-05T10:00:00Z";

function engine(options: TestCadenzaOptions = {}) {
  return testCadenza({ start: START, seed: 11, ...options });
}

const mailboxFull = {
  status: "rejected",
  kind: "soft",
  code: "4.2.2",
  response: "452 4.2.2 mailbox full",
} as const;

/** A campaign whose leads all fail step 1 (every address answers "mailbox full" until `cleared`). */
async function failedCampaign(cadenza: ReturnType<typeof engine>["cadenza"], leads: number, prefix = "p") {
  const campaign = await cadenza.campaigns.create({
    name: `Failing ${prefix}`,
    dailyLimit: 1000,
    steps: [
      { stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } },
      { stepNumber: 2, delayDays: 1, variantA: { subject: "Again", body: "Hi again" } },
    ],
  });
  await cadenza.prospects.upsert(
    Array.from({ length: leads }, (_, i) => ({ email: `${prefix}${i}@${prefix}.example` })),
  );
  await cadenza.audience.enroll(campaign.id, { filter: { search: `@${prefix}.example` } });
  await cadenza.campaigns.activate(campaign.id);
  return campaign;
}

async function failAll(engineParts: ReturnType<typeof engine>) {
  const { cadenza, clock, transport } = engineParts;
  transport.script(() => mailboxFull);
  for (let i = 0; i < 6 * 24 * 4; i++) {
    await cadenza.dispatch.tick();
    clock.advance(15 * 60_000);
  }
  transport.script(null);
}

describe("retrying failed leads", () => {
  it("puts a failed lead back into its sequence at the step it failed, due at its window's next opening", async () => {
    const parts = engine();
    const { cadenza, clock, transport } = parts;
    const campaign = await failedCampaign(cadenza, 1);
    await failAll(parts);
    const [failed] = await cadenza.leads.list(campaign.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 5, currentStep: 0 });
    const heard: CadenzaEvent[] = [];
    cadenza.on("retried", (e) => {
      heard.push(e);
    });
    clock.set("2026-01-17T20:00:00Z"); // a Saturday evening: the window opens Monday at 9
    const { lead, changed } = await cadenza.leads.retry(failed!.id);
    expect(changed).toBe(true);
    expect(lead).toMatchObject({
      status: "active",
      attempts: 0,
      currentStep: 0,
      nextEmailAt: new Date("2026-01-19T09:00:00Z"),
      version: failed!.version + 1,
    });
    expect(heard).toEqual([
      expect.objectContaining({
        kind: "retried",
        leadId: failed!.id,
        data: expect.objectContaining({
          from: "failed",
          to: "active",
          attempts: 5,
          lastError: failed!.lastError,
        }),
      }),
    ]);
    expect(await cadenza.store.listEvents({ leadId: failed!.id, kinds: ["retried"], limit: 5 })).toHaveLength(
      1,
    );
    clock.set("2026-01-19T09:00:00Z");
    transport.reset();
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.idempotencyKey)).toEqual([`${failed!.id}:1`]);
    expect((await cadenza.leads.get(failed!.id))?.currentStep).toBe(1);
  });

  it("retries only failed leads, and says what does not exist", async () => {
    const { cadenza } = engine();
    const campaign = await failedCampaign(cadenza, 1);
    const [active] = await cadenza.leads.list(campaign.id);
    await expect(cadenza.leads.retry(active!.id)).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
      details: { from: "active", event: "retried" },
    });
    await expect(cadenza.leads.retry("no-such-lead")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("retries every failed lead of a campaign, and only those", async () => {
    const parts = engine();
    const { cadenza } = parts;
    const failing = await failedCampaign(cadenza, 7, "f");
    const other = await failedCampaign(cadenza, 2, "o");
    await failAll(parts);
    const [unsubscribed] = await cadenza.leads.list(failing.id);
    await cadenza.leads.recordUnsubscribe({ leadId: unsubscribed!.id });
    const retried: string[] = [];
    cadenza.on("retried", (e) => {
      retried.push(e.leadId!);
    });
    expect(await cadenza.leads.retryFailed(failing.id, { pageSize: 2 })).toEqual({ retried: 6 });
    const statuses = (await cadenza.leads.list(failing.id)).map((l) => l.status).sort();
    expect(statuses).toEqual([...Array(6).fill("active"), "unsubscribed"]);
    expect(retried).toHaveLength(6);
    expect((await cadenza.leads.list(other.id, { status: "failed" })).length).toBe(2);
    expect((await cadenza.counters(failing.id)).leadsByStatus).toMatchObject({ failed: 0, active: 6 });
    expect(await cadenza.leads.retryFailed(failing.id)).toEqual({ retried: 0 });
    await expect(cadenza.leads.retryFailed("no-such-campaign")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("is fenced like every lead change: a lead that changed after it was read is not overwritten", async () => {
    const inner = memoryStore();
    let beforeApply: (() => Promise<void>) | null = null;
    // The store as another writer would leave it: a change lands between the engine's read and write.
    const store: Store = Object.assign(Object.create(inner) as Store, {
      async applyLeadChanges(changes: Parameters<Store["applyLeadChanges"]>[0]) {
        const run = beforeApply;
        beforeApply = null;
        await run?.();
        return inner.applyLeadChanges(changes);
      },
    });
    const parts = engine({ store });
    const { cadenza } = parts;
    const campaign = await failedCampaign(cadenza, 2);
    await failAll(parts);
    const [first, second] = await cadenza.leads.list(campaign.id);
    beforeApply = async () => {
      await cadenza.leads.recordUnsubscribe({ leadId: first!.id });
    };
    // The write built on the failed lead conflicts; read again, the lead is no longer failed.
    await expect(cadenza.leads.retry(first!.id)).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
      details: { from: "unsubscribed", event: "retried" },
    });
    beforeApply = async () => {
      await cadenza.leads.recordUnsubscribe({ leadId: second!.id });
    };
    expect(await cadenza.leads.retryFailed(campaign.id)).toEqual({ retried: 0 });
    const leads = await cadenza.leads.list(campaign.id);
    expect(leads.map((l) => l.status)).toEqual(["unsubscribed", "unsubscribed"]);
  });
});
