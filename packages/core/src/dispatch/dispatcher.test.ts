import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../campaign/campaign-schema.js";
import type { CadenzaEvent } from "../events/event-hooks.js";
import { SAMPLE_PROSPECT } from "../personalize/index.js";
import type { OutboundMessage, SendResult, Transport } from "../ports.js";
import { FakeClock, memoryStore, type TestCadenzaOptions, testCadenza } from "../testing/index.js";

// Monday 5 January 2026, 10:00 UTC: inside the default 9–17 Mon–Fri window.
const START = "2026-01-05T10:00:00Z";

function engine(options: TestCadenzaOptions = {}) {
  return testCadenza({ start: START, seed: 3, ...options });
}

const twoSteps: CampaignInput = {
  name: "Two steps",
  dailyLimit: 1000,
  steps: [
    {
      stepNumber: 1,
      variantA: {
        subject: "Hi {{first_name}}",
        body: 'Hello {{first_name}} at {{company | "your company"}}',
      },
    },
    { stepNumber: 2, delayDays: 1, variantA: { subject: "Again", body: "Second note" } },
  ],
};

async function seeded(
  cadenza: ReturnType<typeof engine>["cadenza"],
  count: number,
  campaign: CampaignInput = twoSteps,
) {
  const created = await cadenza.campaigns.create(campaign);
  await cadenza.prospects.upsert(
    Array.from({ length: count }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
  );
  await cadenza.audience.enroll(created.id, { filter: {} });
  await cadenza.campaigns.activate(created.id);
  return created;
}

/** A transport whose sends hang until released, like a worker stuck mid-send. */
function hangingTransport(): Transport & { release(result: SendResult): void; calls: OutboundMessage[] } {
  const waiting: ((r: SendResult) => void)[] = [];
  const calls: OutboundMessage[] = [];
  return {
    name: "hanging",
    calls,
    send(message) {
      calls.push(message);
      return new Promise((resolve) => waiting.push(resolve));
    },
    release(result) {
      for (const resolve of waiting.splice(0)) resolve(result);
    },
  };
}

describe("the dispatcher", () => {
  it("never re-sends an email whose send outlasted its lease and maxBatchMs: it is reported as unknown", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const stuck = hangingTransport();
    const first = engine({
      store,
      clock,
      transport: stuck,
      dispatch: { leaseMs: 60_000, maxBatchMs: 60_000 },
    });
    const campaign = await seeded(first.cadenza, 1);
    const events: CadenzaEvent[] = [];
    const stalled = first.cadenza.dispatch.tick();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stuck.calls).toHaveLength(1);

    clock.advance(2 * 60_000);
    const second = engine({ store, clock, idPrefix: 2 });
    second.cadenza.on("outcome_unknown", (e) => {
      events.push(e);
    });
    const report = await second.cadenza.dispatch.tick();
    expect(report).toMatchObject({ unknown: 1, sent: 0 });
    expect(second.transport.sent).toHaveLength(0);
    expect(events).toHaveLength(1);

    stuck.release({ status: "accepted", response: "250 late" });
    const late = await stalled;
    expect(late.sent).toBe(1);
    const [email] = await store.listEmails({ campaignId: campaign.id, limit: 10, offset: 0 });
    expect(email?.status).toBe("unknown");
    const counters = await store.getCounters(campaign.id);
    expect(counters.steps[0]).toMatchObject({ sent: 1, unknown: 1 });
    const [lead] = await store.listLeads(campaign.id, { limit: 1, offset: 0 });
    expect(lead?.currentStep).toBe(1);
  });

  it("holds the daily limit across two engines sharing a store", async () => {
    const store = memoryStore();
    const clock = new FakeClock(START);
    const a = engine({ store, clock, idPrefix: 1 });
    const b = engine({ store, clock, idPrefix: 2 });
    await seeded(a.cadenza, 100, { ...twoSteps, dailyLimit: 30 });
    await Promise.all([a.cadenza.dispatch.tick(), b.cadenza.dispatch.tick(), a.cadenza.dispatch.tick()]);
    expect(a.transport.sent.length + b.transport.sent.length).toBe(30);
    const keys = [...a.transport.sent, ...b.transport.sent].map((m) => m.idempotencyKey);
    expect(new Set(keys).size).toBe(30);
  });

  it("gives an outage's quota back: a transport failure spends none of the daily limit, a sender refusal does", async () => {
    for (const [kind, sentAfter] of [
      ["transport", 5],
      ["sender", 0],
    ] as const) {
      let down = true;
      const transport: Transport & { sent: OutboundMessage[] } = {
        name: "flaky",
        sent: [],
        async send(message) {
          if (down) return { status: "rejected", kind, code: "421", response: "4.3.2 Service not available" };
          this.sent.push(message);
          return { status: "accepted", response: "250 OK" };
        },
      };
      const clock = new FakeClock(START);
      const { cadenza } = engine({ clock, transport });
      await seeded(cadenza, 10, { ...twoSteps, dailyLimit: 5 });
      expect(await cadenza.dispatch.tick(), kind).toMatchObject({ sent: 0, retried: 5 });
      // The server is back after the retry delay, the same day.
      down = false;
      clock.advance(11 * 60_000);
      await cadenza.dispatch.tick();
      await cadenza.dispatch.tick();
      expect(transport.sent, kind).toHaveLength(sentAfter);
    }
  });

  it("pauses a lead missing a variable instead of sending a gap, and says why", async () => {
    const { cadenza, transport } = engine();
    const campaign = await cadenza.campaigns.create(twoSteps);
    await cadenza.prospects.upsert([
      { email: "named@example.com", firstName: "Nia" },
      { email: "anon@example.com" },
    ]);
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    const paused: CadenzaEvent[] = [];
    cadenza.on("paused", (e) => {
      paused.push(e);
    });
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.to.email)).toEqual(["named@example.com"]);
    expect(transport.sent[0]?.text).toContain("Hello Nia at your company");
    const leads = await cadenza.leads.list(campaign.id, { status: "paused" });
    expect(leads).toHaveLength(1);
    expect(leads[0]?.lastError).toBe("Missing values for first_name");
    expect(paused[0]?.data).toMatchObject({ missing: ["first_name"], stepNumber: 1 });
  });

  it("keeps a paused lead's place and schedules its next step from the resume", async () => {
    const { cadenza, clock, transport } = engine();
    const campaign = await seeded(cadenza, 1);
    await cadenza.dispatch.tick();
    const [lead] = await cadenza.leads.list(campaign.id);
    await cadenza.leads.pause(lead!.id);
    clock.advance(3 * 86_400_000);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(1);
    const resumed = await cadenza.leads.resume(lead!.id);
    expect(resumed.lead).toMatchObject({ status: "active", currentStep: 1 });
    await cadenza.dispatch.tick();
    expect(transport.sent.map((m) => m.idempotencyKey)).toEqual([`${lead!.id}:1`, `${lead!.id}:2`]);
    expect((await cadenza.leads.get(lead!.id))?.status).toBe("completed");
  });

  it("never brings a follow-up forward: a lead resumed before its step was due waits for the step's delay", async () => {
    const { cadenza, clock, transport } = engine();
    const campaign = await seeded(cadenza, 1, {
      ...twoSteps,
      steps: [twoSteps.steps[0]!, { ...twoSteps.steps[1]!, delayDays: 3 }],
    });
    await cadenza.dispatch.tick();
    const sentAt = clock.now().getTime();
    const [lead] = await cadenza.leads.list(campaign.id);
    // An out-of-office until the next day, two days before the follow-up was due.
    await cadenza.leads.pause(lead!.id, { until: new Date(sentAt + 86_400_000) });
    clock.advance(86_400_000 + 60_000);
    await cadenza.dispatch.tick();
    expect((await cadenza.leads.get(lead!.id))?.status).toBe("active");
    expect(transport.sent).toHaveLength(1);
    const due = (await cadenza.leads.get(lead!.id))!.nextEmailAt!.getTime();
    expect(due).toBeGreaterThanOrEqual(sentAt + 3 * 86_400_000);
    clock.set(new Date(due));
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(2);
  });

  it("sends nothing outside the send window and nothing for a paused campaign", async () => {
    const { cadenza, clock, transport } = engine({ clock: new FakeClock("2026-01-10T12:00:00Z") });
    const campaign = await seeded(cadenza, 3);
    expect((await cadenza.dispatch.tick()).claimed).toBe(0);
    clock.set("2026-01-12T08:59:00Z");
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(0);
    await cadenza.campaigns.pause(campaign.id);
    clock.set("2026-01-12T09:00:00Z");
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(0);
    await cadenza.campaigns.resume(campaign.id);
    await cadenza.dispatch.tick();
    expect(transport.sent).toHaveLength(3);
  });

  it("previews and test-sends a step without touching leads, emails or counters", async () => {
    const { cadenza, transport } = engine({
      customVariables: ["hotel_name"],
      tracking: { baseUrl: "https://t.example.com/t", secrets: ["a-test-secret-that-is-long-enough-0123"] },
    });
    const campaign = await cadenza.campaigns.create({
      ...twoSteps,
      steps: [
        {
          stepNumber: 1,
          variantA: { subject: "About {{hotel_name}}", body: "Hi {{first_name}}, see https://example.com/x" },
        },
      ],
    });
    const preview = await cadenza.campaigns.preview(campaign.id, 1);
    expect(preview.subject).toBe(`About ${SAMPLE_PROSPECT.attributes.hotel_name}`);
    expect(preview.text).toContain(`Hi ${SAMPLE_PROSPECT.firstName}`);
    expect(preview.missing).toEqual([]);
    expect(preview.variables.sort()).toEqual(["first_name", "hotel_name"]);
    expect(preview.html).toContain("https://t.example.com/t/click/");
    expect(preview.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const missing = await cadenza.campaigns.preview(campaign.id, 1, {
      prospect: {
        email: "x@example.com",
        firstName: null,
        lastName: null,
        title: null,
        company: null,
        city: null,
        country: null,
        attributes: {},
      },
    });
    expect(missing.missing.sort()).toEqual(["first_name", "hotel_name"]);
    const result = await cadenza.campaigns.testSend(campaign.id, 1, { to: "qa@example.com" });
    expect(result.status).toBe("accepted");
    expect(transport.sent[0]).toMatchObject({ to: { email: "qa@example.com" } });
    expect(transport.sent[0]?.subject.startsWith("[Test] About ")).toBe(true);
    expect(await cadenza.store.listEmails({ limit: 10, offset: 0 })).toEqual([]);
    expect((await cadenza.counters(campaign.id)).emailsSent).toBe(0);
  });

  it("sends a text step as text/plain alone when its HTML would track nothing", async () => {
    const tracking = {
      baseUrl: "https://t.example.com/t",
      secrets: ["a-test-secret-that-is-long-enough-0123"],
      footer: { postalAddress: "Acme Ltd, 1 Main St" },
    };
    const sent = async (options: TestCadenzaOptions, flags: Partial<CampaignInput>) => {
      const { cadenza, transport } = engine(options);
      await seeded(cadenza, 1, { ...twoSteps, ...flags });
      await cadenza.dispatch.tick();
      return transport.sent[0]!;
    };
    const untracked = await sent({ tracking }, { trackOpens: false, trackClicks: false });
    expect(untracked.html).toBeNull();
    expect(untracked.text).toMatch(/^Hello .* at .*\n\n.*Acme Ltd, 1 Main St/s);
    expect(untracked.headers["List-Unsubscribe"]).toMatch(/^<https:\/\/t\.example\.com\/t/);
    expect((await sent({}, {})).html).toBeNull();
    // A pixel or a tracked link needs the HTML part, and so does an HTML step.
    expect((await sent({ tracking }, { trackOpens: true, trackClicks: false })).html).toContain("<img");
    expect((await sent({ tracking }, { trackOpens: false, trackClicks: true })).html).toContain("<p>");
    const htmlStep = { ...twoSteps.steps[0]!, format: "html" as const };
    expect((await sent({}, { steps: [htmlStep] })).html).toContain("Hello");
  });

  it("points unsubscribe links at their own base URL when one is given", async () => {
    const { cadenza } = engine({
      tracking: {
        baseUrl: "https://t.example.com/t",
        unsubscribeBaseUrl: "https://example.com/api/unsubscribe/",
        secrets: ["a-test-secret-that-is-long-enough-0123"],
        unsubscribeMailto: "unsubscribe@example.com",
      },
    });
    const campaign = await cadenza.campaigns.create({
      ...twoSteps,
      steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Bye: {{unsubscribe_url}}" } }],
    });
    const preview = await cadenza.campaigns.preview(campaign.id, 1);
    expect(preview.headers["List-Unsubscribe"]).toMatch(
      /^<https:\/\/example\.com\/api\/unsubscribe\/[A-Za-z0-9_-]+>, <mailto:unsubscribe@example\.com\?subject=unsubscribe>$/,
    );
    expect(preview.text).toMatch(/Bye: https:\/\/example\.com\/api\/unsubscribe\/[A-Za-z0-9_-]+/);
  });

  it("refuses to save unknown variables and invalid MJML, naming where", async () => {
    const { cadenza } = engine();
    await expect(
      cadenza.campaigns.create({
        ...twoSteps,
        steps: [{ stepNumber: 1, variantA: { subject: "Hi {{frist_name}}", body: "x" } }],
      }),
    ).rejects.toMatchObject({
      code: "UNKNOWN_VARIABLE",
      issues: [expect.objectContaining({ path: ["steps", 0, "variantA", "subject"] })],
    });
    await expect(
      cadenza.campaigns.create({
        ...twoSteps,
        steps: [
          {
            stepNumber: 1,
            format: "mjml",
            variantA: {
              subject: "Hi",
              body: "<mjml><mj-body><mj-section><mj-text>x</mj-section></mj-body></mjml>",
            },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: "MJML_INVALID" });
    await expect(
      cadenza.campaigns.create({
        ...twoSteps,
        steps: [
          { stepNumber: 1, variantA: { subject: "a", body: "b" }, variantB: { subject: "c", body: "d" } },
        ],
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [expect.objectContaining({ path: ["steps", 0, "variantB"] })],
    });
  });

  it("edits a running campaign but will not remove steps already sent", async () => {
    const { cadenza } = engine();
    const campaign = await seeded(cadenza, 1);
    await cadenza.dispatch.tick();
    const renamed = await cadenza.campaigns.update(campaign.id, { name: "Renamed" });
    expect(renamed).toMatchObject({ name: "Renamed", dailyLimit: 1000, active: true });
    expect(renamed.steps).toHaveLength(2);
    await expect(cadenza.campaigns.update(campaign.id, { steps: [] })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    const oneStep = await cadenza.campaigns.update(campaign.id, { steps: [twoSteps.steps[0]!] });
    expect(oneStep.steps).toHaveLength(1);
    const copy = await cadenza.campaigns.duplicate(campaign.id);
    expect(copy).toMatchObject({ name: "Renamed (copy)", active: false });
    expect((await cadenza.counters(copy.id)).leadsCount).toBe(0);
  });

  it("runs as a loop under the fake clock and stops after the batch in hand", async () => {
    const { cadenza, clock, transport } = engine({ dispatch: { pollIntervalMs: 60_000 } });
    await seeded(cadenza, 2);
    const ticks: number[] = [];
    const worker = cadenza.dispatch.start({ onTick: (r) => ticks.push(r.sent) });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transport.sent).toHaveLength(2);
    clock.advance(86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transport.sent).toHaveLength(4);
    await worker.stop();
    expect(ticks.slice(0, 2)).toEqual([2, 2]);
  });

  it("keeps a provider's id for a message on its sent event, and on the email when it is the Message-ID it delivered", async () => {
    // The provider renames the first (as Amazon SES does), keeps the engine's Message-ID on the
    // second, and answers the third with an API message id that is no header of the message.
    const answers = (message: OutboundMessage, n: number) =>
      ["<0100018c-ses@email.amazonses.com>", message.messageId, "msg_123"][n];
    const transport: Transport & { sent: OutboundMessage[] } = {
      name: "provider",
      sent: [],
      async send(message) {
        const providerMessageId = answers(message, this.sent.length);
        this.sent.push(message);
        return { status: "accepted", response: "250 Ok", providerMessageId };
      },
    };
    const { cadenza, store } = engine({ transport });
    const campaign = await seeded(cadenza, 3);
    const heard: CadenzaEvent[] = [];
    cadenza.on("sent", (e) => {
      heard.push(e);
    });
    expect(await cadenza.dispatch.tick()).toMatchObject({ sent: 3 });
    const byMessage = new Map(transport.sent.map((m, i) => [m.messageId, i]));
    const stored = await store.listEvents({ campaignId: campaign.id, kinds: ["sent"], limit: 10 });
    for (const events of [heard, stored]) {
      expect(events).toHaveLength(3);
      const seen = await Promise.all(
        events.map(async (e) => {
          const email = await store.getEmail(e.emailId!);
          return [byMessage.get(email!.messageId), e.data.providerMessageId, email!.providerMessageId];
        }),
      );
      expect(seen.sort()).toEqual([
        [0, "<0100018c-ses@email.amazonses.com>", "<0100018c-ses@email.amazonses.com>"],
        [1, undefined, null],
        [2, "msg_123", null],
      ]);
    }
  });
});
