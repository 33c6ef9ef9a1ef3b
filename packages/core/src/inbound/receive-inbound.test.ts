import { describe, expect, it } from "vitest";
import type { NewEvent, OutboundMessage, Transport } from "../ports.js";
import { memoryStore, type TestCadenzaOptions, testCadenza } from "../testing/index.js";

async function sentCampaign(options: TestCadenzaOptions = {}) {
  const store = memoryStore();
  const { cadenza, clock, transport } = testCadenza({ store, ...options });
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
  const events: NewEvent[] = [];
  cadenza.on("*", (event) => {
    events.push(event);
  });
  const leadOf = (message: OutboundMessage) => store.getLead(message.idempotencyKey.split(":")[0]!);
  return { cadenza, store, clock, transport, campaign, events, leadOf, first: first!, second: second! };
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

/** A feedback-loop complaint as Yahoo's sends it: ARF, the reported message attached whole. */
const complaintReport = (
  reported: OutboundMessage,
  options: { rcptTo?: string; withMessage?: boolean; messageId?: string } = {},
) => ({
  messageId: options.messageId ?? "<cfl-1@arf.mail.yahoo.com>",
  from: { address: "feedback@arf.mail.yahoo.com", name: "Yahoo! Mail AntiSpam Feedback" },
  to: [{ address: "fbl@sender.test", name: "" }],
  // Yahoo keeps the reported message's subject: a naive reader would take this for a reply.
  subject: `Re: ${reported.subject}`,
  inReplyTo: reported.messageId,
  headers: { "content-type": 'multipart/report; report-type=feedback-report; boundary="----=_Part_1"' },
  text: "This is an email abuse report for an email message received from IP 192.0.2.10",
  reportParts: [
    {
      contentType: "message/feedback-report",
      content: [
        "Feedback-Type: abuse",
        "User-Agent: Yahoo!-Mail-Feedback/2.0",
        "Version: 0.1",
        "Original-Mail-From: <ana@sender.test>",
        ...(options.rcptTo ? [`Original-Rcpt-To: ${options.rcptTo}`] : []),
        "Received-Date: Mon, 05 Jan 2026 10:00:03 +0000",
        "Reported-Domain: sender.test",
        "Authentication-Results: mta1001.mail.gq1.yahoo.com from=sender.test; dkim=pass; spf=pass",
        "",
      ].join("\r\n"),
    },
    ...(options.withMessage === false
      ? []
      : [
          {
            contentType: "message/rfc822",
            content: `From: Ana <ana@sender.test>\r\nTo: ${reported.to.email}\r\nSubject: ${reported.subject}\r\nMessage-ID: ${reported.messageId}\r\n\r\n${reported.text}`,
          },
        ]),
  ],
});

/** A DSN from the recipient's server that returns no headers, as Exchange Online's often does. */
const bareReport = (
  recipients: string[],
  status: string,
  options: { action?: string; envelopeId?: string; messageId?: string } = {},
) => ({
  messageId: options.messageId ?? `<ndr-${recipients[0]}-${status}@outlook.example>`,
  from: { address: "postmaster@outlook.example", name: "Microsoft Outlook" },
  subject: "Undeliverable: Hello",
  headers: { "content-type": 'multipart/report; report-type=delivery-status; boundary="b"' },
  reportParts: [
    {
      contentType: "message/delivery-status",
      content: [
        [
          "Reporting-MTA: dns;AM7PR02MB1234.eurprd02.prod.outlook.example",
          ...(options.envelopeId ? [`Original-Envelope-Id: ${options.envelopeId}`] : []),
          "Received-From-MTA: dns;mail.sender.test",
          "Arrival-Date: Mon, 5 Jan 2026 10:00:02 +0000",
        ].join("\r\n"),
        ...recipients.map((r) =>
          [
            `Final-Recipient: rfc822;${r}`,
            `Action: ${options.action ?? "failed"}`,
            `Status: ${status}`,
            `Diagnostic-Code: smtp;550 ${status} RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup`,
          ].join("\r\n"),
        ),
      ].join("\r\n\r\n"),
    },
  ],
});

describe("spam complaints", () => {
  it("unsubscribes the lead, suppresses the address, counts the complaint once and never as a reply", async () => {
    const { cadenza, store, campaign, events, leadOf, first } = await sentCampaign();
    const report = complaintReport(first);
    expect(await cadenza.inbound.receive(report)).toMatchObject({ kind: "complaint", matched: true });
    // Delivered again (a retried webhook): nothing more.
    expect(await cadenza.inbound.receive(report)).toMatchObject({ kind: "complaint", matched: true });
    expect(await leadOf(first)).toMatchObject({
      status: "unsubscribed",
      hasReplied: false,
      nextEmailAt: null,
    });
    expect(await store.findSuppressed([first.to.email])).toEqual(new Set([first.to.email]));
    const counters = await cadenza.counters(campaign.id);
    expect(counters.steps[0]).toMatchObject({ complaints: 1, replies: 0, unsubscribes: 0 });
    expect(counters.repliesReceived).toBe(0);
    const metrics = await cadenza.analytics.metrics(campaign.id);
    expect(metrics.total).toMatchObject({ complaints: 1, delivered: 2 });
    expect(metrics.total.rates.complaintRate).toBe(0.5);
    expect(events.filter((e) => e.kind === "complained")).toMatchObject([
      { emailId: expect.any(String), data: { from: "active", to: "unsubscribed", feedbackType: "abuse" } },
    ]);
    expect(
      [...(store as ReturnType<typeof memoryStore>).tables.emails.values()].filter(
        (e) => e.direction === "inbound",
      ),
    ).toEqual([]);
  });

  it("stops the address in every campaign", async () => {
    const { cadenza, clock, transport, first } = await sentCampaign();
    const other = await cadenza.campaigns.create({
      name: "Other",
      steps: [{ stepNumber: 1, variantA: { subject: "Other", body: "Hi" } }],
    });
    await cadenza.audience.enroll(other.id, { filter: {} });
    await cadenza.inbound.receive(complaintReport(first));
    await cadenza.campaigns.activate(other.id);
    clock.advance(60_000);
    await cadenza.dispatch.tick();
    const toOther = transport.sent.filter((m) => m.subject === "Other").map((m) => m.to.email);
    expect(toOther).toEqual(["b@example.com"]);
  });

  it("still counts and records a complaint about a lead that had already unsubscribed", async () => {
    const { cadenza, campaign, events, leadOf, first } = await sentCampaign();
    await cadenza.leads.recordUnsubscribe({ messageId: first.messageId });
    await cadenza.inbound.receive(complaintReport(first));
    expect((await leadOf(first))?.status).toBe("unsubscribed");
    expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ complaints: 1, unsubscribes: 1 });
    expect(events.filter((e) => e.kind === "complained")).toMatchObject([
      { data: { from: "unsubscribed", to: "unsubscribed" } },
    ]);
  });

  it("matches a report without the reported message by the recipient it names, and no one else", async () => {
    const { cadenza, campaign, leadOf, first, second } = await sentCampaign();
    const bare = complaintReport(first, { withMessage: false, rcptTo: first.to.email });
    expect(await cadenza.inbound.receive({ ...bare, inReplyTo: null })).toMatchObject({
      kind: "complaint",
      matched: true,
    });
    expect((await leadOf(first))?.status).toBe("unsubscribed");
    expect((await leadOf(second))?.status).toBe("active");
    expect((await cadenza.counters(campaign.id)).steps[0]?.complaints).toBe(1);
    const stranger = complaintReport(first, { withMessage: false, rcptTo: "stranger@example.com" });
    expect(await cadenza.inbound.receive({ ...stranger, inReplyTo: null })).toMatchObject({ matched: false });
  });
});

describe("unsubscribe by mail", () => {
  const tracking = {
    baseUrl: "https://t.sender.test/t",
    secrets: ["a-tracking-secret-of-at-least-32-characters"],
    unsubscribeMailto: "unsubscribe@sender.test",
  };

  it("unsubscribes the sender of mail to the List-Unsubscribe address, as the one-click link does", async () => {
    const { cadenza, store, campaign, leadOf, first, second } = await sentCampaign({ tracking });
    expect(first.headers["List-Unsubscribe"]).toContain(
      "<mailto:unsubscribe@sender.test?subject=unsubscribe>",
    );
    // What Gmail sends for its "Unsubscribe" button when only a mailto is usable.
    const outcome = await cadenza.inbound.receive({
      messageId: "<CAunsub1@mail.gmail.test>",
      from: { address: "A@Example.com", name: "A" },
      to: [{ address: "unsubscribe@sender.test", name: "" }],
      subject: "unsubscribe",
      text: "This message was automatically generated by Gmail.",
    });
    expect(outcome).toMatchObject({ kind: "unsubscribe", matched: true });
    expect(await leadOf(first)).toMatchObject({ status: "unsubscribed", nextEmailAt: null });
    expect((await leadOf(second))?.status).toBe("active");
    expect(await store.findSuppressed(["a@example.com", "b@example.com"])).toEqual(
      new Set(["a@example.com"]),
    );
    expect((await cadenza.counters(campaign.id)).steps[0]).toMatchObject({ unsubscribes: 1, replies: 0 });
  });

  it("suppresses a sender it never wrote to", async () => {
    const { cadenza, store } = await sentCampaign({ tracking });
    const outcome = await cadenza.inbound.receive({
      from: { address: "someone@example.net", name: "" },
      to: [{ address: "unsubscribe@sender.test", name: "" }],
      subject: "unsubscribe",
    });
    expect(outcome).toEqual({ kind: "unsubscribe", matched: false, emailId: null, leadId: null });
    expect(await store.findSuppressed(["someone@example.net"])).toEqual(new Set(["someone@example.net"]));
  });
});

describe("delay warnings, soft bounces and duplicates", () => {
  it("records delay warnings as events: not bounces, and the email stays delivered", async () => {
    const { cadenza, campaign, events, leadOf, first } = await sentCampaign();
    for (const hours of [4, 24, 48]) {
      const warning = bareReport([first.to.email], "4.4.7", {
        action: "delayed",
        envelopeId: first.messageId.slice(1, -1),
        messageId: `<delay-${hours}@outlook.example>`,
      });
      expect(await cadenza.inbound.receive(warning)).toMatchObject({ kind: "delay", matched: true });
    }
    const metrics = await cadenza.analytics.metrics(campaign.id);
    expect(metrics.total).toMatchObject({ sent: 2, delivered: 2, bouncedSoft: 0, bounces: 0 });
    expect(metrics.total.rates.bounceRate).toBe(0);
    expect((await leadOf(first))?.status).toBe("active");
    expect(events.filter((e) => e.kind === "delivery_delayed")).toHaveLength(3);
    expect(events.filter((e) => e.kind === "bounced")).toEqual([]);
  });

  it("counts a soft bounce once per email, however many reports arrive", async () => {
    const { cadenza, campaign, events, first } = await sentCampaign();
    await cadenza.inbound.receive(dsn("4.2.2", first.messageId));
    await cadenza.inbound.receive({ ...dsn("4.2.2", first.messageId), messageId: "<again@mx.example.com>" });
    await cadenza.inbound.receive(dsn("5.2.2", first.messageId));
    const metrics = await cadenza.analytics.metrics(campaign.id);
    expect(metrics.total).toMatchObject({ sent: 2, bouncedSoft: 1, bounces: 1, delivered: 1 });
    expect(metrics.total.rates.bounceRate).toBe(0.5);
    expect(events.filter((e) => e.kind === "bounced")).toHaveLength(1);
  });

  it("stores and counts a reply delivered twice (the same Message-ID) once", async () => {
    const { cadenza, store, campaign, events, first } = await sentCampaign();
    const reply = {
      messageId: "<r1@gmail.test>",
      from: { address: "a@example.com", name: "A" },
      subject: "Re: Hello",
      inReplyTo: first.messageId,
      text: "Yes please.",
    };
    await cadenza.inbound.receive(reply);
    expect(await cadenza.inbound.receive(reply)).toMatchObject({ kind: "reply", matched: true });
    const inbound = [...(store as ReturnType<typeof memoryStore>).tables.emails.values()].filter(
      (e) => e.direction === "inbound",
    );
    expect(inbound).toHaveLength(1);
    expect((await cadenza.counters(campaign.id)).steps[0]?.replies).toBe(1);
    expect(events.filter((e) => e.kind === "replied")).toHaveLength(1);
  });
});

describe("bounce reports without the returned headers", () => {
  it("matches a report by its envelope id, the email's Message-ID", async () => {
    const { cadenza, leadOf, first, second } = await sentCampaign();
    const report = bareReport([second.to.email], "5.1.1", { envelopeId: first.messageId.slice(1, -1) });
    // The envelope id names the email, whatever address the report gives.
    expect(await cadenza.inbound.receive(report)).toMatchObject({ kind: "bounce", matched: true });
    expect((await leadOf(first))?.status).toBe("bounced");
    expect((await leadOf(second))?.status).toBe("active");
  });

  it("matches a 5.1.x report naming one recipient to the newest email sent to that address this week", async () => {
    const { cadenza, store, campaign, leadOf, first, second } = await sentCampaign();
    expect(await cadenza.inbound.receive(bareReport([first.to.email], "5.1.10"))).toMatchObject({
      kind: "bounce",
      matched: true,
    });
    expect((await leadOf(first))?.status).toBe("bounced");
    expect((await leadOf(second))?.status).toBe("active");
    expect(await store.findSuppressed([first.to.email, second.to.email])).toEqual(new Set([first.to.email]));
    expect((await cadenza.counters(campaign.id)).steps[0]?.bouncedHard).toBe(1);
  });

  it.each([
    ["a policy refusal", [0], "5.7.1"],
    ["a soft bounce", [0], "4.2.2"],
    ["a full mailbox", [0], "5.2.2"],
    ["a report naming two recipients", [0, 1], "5.1.1"],
  ])("does not match %s by address alone", async (_name, who, status) => {
    const { cadenza, store, leadOf, first, second } = await sentCampaign();
    const addresses = who.map((i) => [first, second][i]!.to.email);
    expect(await cadenza.inbound.receive(bareReport(addresses, status))).toMatchObject({ matched: false });
    expect((await leadOf(first))?.status).toBe("active");
    expect((await leadOf(second))?.status).toBe("active");
    expect(await store.findSuppressed(addresses)).toEqual(new Set());
  });

  it("does not match a report by address alone a week after the last email to it", async () => {
    const { cadenza, clock, leadOf, first } = await sentCampaign();
    clock.advance(8 * 24 * 3_600_000);
    expect(await cadenza.inbound.receive(bareReport([first.to.email], "5.1.1"))).toMatchObject({
      matched: false,
    });
    expect((await leadOf(first))?.status).toBe("active");
  });
});
