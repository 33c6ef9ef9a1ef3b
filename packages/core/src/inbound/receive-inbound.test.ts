import { describe, expect, it } from "vitest";
import type { OutboundMessage, Transport } from "../ports.js";
import { memoryStore, testCadenza } from "../testing/index.js";

async function sentCampaign() {
  const store = memoryStore();
  const { cadenza, clock, transport } = testCadenza({ store });
  const campaign = await cadenza.campaigns.create({
    name: "Inbound",
    steps: [
      { stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } },
      { stepNumber: 2, delayDays: 2, variantA: { subject: "", body: "Again" } },
    ],
  });
  await cadenza.prospects.upsert([{ email: "a@example.com" }, { email: "b@example.com" }]);
  await cadenza.audience.enroll(campaign.id, { filter: {} });
  await cadenza.campaigns.activate(campaign.id);
  await cadenza.dispatch.tick();
  const [first, second] = transport.sent;
  return { cadenza, store, clock, campaign, first: first!, second: second! };
}

const dsn = (status: string, originalMessageId: string) => ({
  from: { address: "mailer-daemon@mx.example.com", name: "Mail Delivery System" },
  subject: "Undelivered Mail Returned to Sender",
  headers: { "content-type": "multipart/report; report-type=delivery-status" },
  reportParts: [
    {
      contentType: "message/delivery-status",
      content: `Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: ${status}\nDiagnostic-Code: smtp; 550 ${status} something\n`,
    },
    { contentType: "text/rfc822-headers", content: `Message-ID: ${originalMessageId}\nSubject: Hello\n` },
  ],
});

describe("inbound mail", () => {
  it("stops the sequence on a human reply, counts it once and keeps the reply", async () => {
    const { cadenza, store, campaign, first } = await sentCampaign();
    const reply = {
      messageId: "<r1@gmail.test>",
      from: { address: "a@example.com", name: "A" },
      subject: "Re: Hello",
      inReplyTo: first.messageId,
      references: [first.messageId],
      text: "Sounds good, call me.",
    };
    expect(await cadenza.inbound.receive(reply)).toMatchObject({ kind: "reply", matched: true });
    expect(await cadenza.inbound.receive({ ...reply, messageId: "<r2@gmail.test>" })).toMatchObject({
      kind: "reply",
      matched: true,
    });
    const lead = await store.getLead(first.idempotencyKey.split(":")[0]!);
    expect(lead).toMatchObject({ status: "replied", hasReplied: true, nextEmailAt: null });
    expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ replies: 1 });
    const inbound = [...store.tables.emails.values()].filter((e) => e.direction === "inbound");
    expect(inbound.map((e) => e.text)).toEqual(["Sounds good, call me.", "Sounds good, call me."]);
  });

  it("pauses a lead until an out-of-office's return date, without counting a reply", async () => {
    const { cadenza, store, clock, campaign, first } = await sentCampaign();
    const outcome = await cadenza.inbound.receive({
      from: { address: "a@example.com", name: "A" },
      subject: "Automatic reply: Hello",
      headers: { "auto-submitted": "auto-replied" },
      inReplyTo: first.messageId,
      text: "I am out of the office until January 20, 2026 with limited access to email.",
      date: clock.now(),
    });
    expect(outcome).toMatchObject({ kind: "auto_reply", matched: true });
    const lead = await store.getLead(first.idempotencyKey.split(":")[0]!);
    expect(lead?.status).toBe("paused");
    expect(lead?.pausedUntil?.toISOString()).toBe("2026-01-21T00:00:00.000Z");
    expect((await cadenza.counters(campaign.id)).steps[0]?.replies).toBe(0);
    clock.set("2026-01-21T10:00:00Z");
    await cadenza.dispatch.tick();
    // Back on the return date: resumed, and its next step went out in the same pass.
    expect(await store.getLead(lead!.id)).toMatchObject({ status: "completed", currentStep: 2 });
  });

  it("bounces hard on a 5.1.1 report, counts a 4.2.2 report as soft, and flags the sender on 5.7.1", async () => {
    const { cadenza, store, campaign, first, second } = await sentCampaign();
    expect(await cadenza.inbound.receive(dsn("5.1.1", first.messageId))).toMatchObject({
      kind: "bounce",
      matched: true,
    });
    const leadA = await store.getLead(first.idempotencyKey.split(":")[0]!);
    expect(leadA?.status).toBe("bounced");
    expect(await store.findSuppressed(["a@example.com"])).toEqual(new Set(["a@example.com"]));

    await cadenza.inbound.receive(dsn("4.2.2", second.messageId));
    const leadB = await store.getLead(second.idempotencyKey.split(":")[0]!);
    expect(leadB?.status).toBe("active");
    const counters = await cadenza.counters(campaign.id);
    expect(counters.steps[0]).toMatchObject({ bouncedHard: 1, bouncedSoft: 1 });

    await cadenza.inbound.receive(dsn("5.7.1", second.messageId));
    expect((await store.getLead(leadB!.id))?.status).toBe("active");
    expect(await store.findSuppressed(["b@example.com"])).toEqual(new Set());
  });

  it("ignores mail that answers nothing it sent", async () => {
    const { cadenza, campaign } = await sentCampaign();
    const outcome = await cadenza.inbound.receive({
      from: { address: "stranger@example.com", name: "" },
      subject: "Re: something else",
      inReplyTo: "<not-ours@elsewhere.test>",
      text: "hello",
    });
    expect(outcome).toEqual({ kind: "reply", matched: false, emailId: null, leadId: null });
    expect((await cadenza.counters(campaign.id)).repliesReceived).toBe(0);
  });

  it("matches replies and bounce reports by the Message-ID a provider replaced the engine's with, and threads follow-ups on it", async () => {
    // Like Amazon SES: every message is delivered under the provider's own Message-ID.
    const sent: { message: OutboundMessage; providerMessageId: string }[] = [];
    const transport: Transport = {
      name: "ses-like",
      async send(message) {
        const providerMessageId = `<0100018c-${sent.length + 1}-000000@email.amazonses.com>`;
        sent.push({ message, providerMessageId });
        return { status: "accepted", response: "250 Ok", providerMessageId };
      },
    };
    const store = memoryStore();
    const { cadenza, clock } = testCadenza({ store, transport });
    const campaign = await cadenza.campaigns.create({
      name: "Renamed",
      steps: [
        { stepNumber: 1, variantA: { subject: "Hello", body: "Hi" } },
        { stepNumber: 2, delayDays: 2, variantA: { subject: "", body: "Again" } },
      ],
    });
    await cadenza.prospects.upsert(["a", "b", "c"].map((name) => ({ email: `${name}@example.com` })));
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    await cadenza.dispatch.tick();
    const firstTo = (address: string) => sent.find((s) => s.message.to.email === address)!;
    const leadOf = (address: string) => store.getLead(firstTo(address).message.idempotencyKey.split(":")[0]!);

    // The reply and the report name only the provider's ids, as the recipients' copies carry them.
    const replied = firstTo("a@example.com").providerMessageId;
    const reply = await cadenza.inbound.receive({
      messageId: "<r1@gmail.test>",
      from: { address: "a@example.com", name: "A" },
      subject: "Re: Hello",
      inReplyTo: replied,
      references: [replied],
      text: "Not interested, thanks.",
    });
    expect(reply).toMatchObject({ kind: "reply", matched: true });
    expect(await leadOf("a@example.com")).toMatchObject({ status: "replied", hasReplied: true });
    const report = await cadenza.inbound.receive(dsn("5.1.1", firstTo("b@example.com").providerMessageId));
    expect(report).toMatchObject({ kind: "bounce", matched: true });
    expect((await leadOf("b@example.com"))?.status).toBe("bounced");
    expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ replies: 1, bouncedHard: 1 });

    // The follow-up answers the copy c has: the provider's id, not the one the engine made.
    clock.set("2026-01-08T10:00:00Z");
    await cadenza.dispatch.tick();
    const followUps = sent.slice(3).map((s) => s.message);
    expect(followUps.map((m) => m.to.email)).toEqual(["c@example.com"]);
    const toC = firstTo("c@example.com").providerMessageId;
    expect(followUps[0]).toMatchObject({ inReplyTo: toC, references: [toC], subject: "Re: Hello" });
  });
});
