import { describe, expect, it } from "vitest";
import { classifyInbound } from "./classify-inbound.js";
import { type InboundMessageInput, inboundMessageSchema } from "./inbound-message.js";

const message = (input: InboundMessageInput) => inboundMessageSchema.parse(input);
const from = { address: "jane@customer.example", name: "Jane" };

const DSN = (status: string, action = "failed", extra = "") =>
  [
    "Reporting-MTA: dns; mx.sender.example",
    "Original-Envelope-Id: env-123",
    "Arrival-Date: Mon, 16 Nov 2026 10:00:00 +0000",
    "",
    "Final-Recipient: rfc822; <Bob@Customer.example>",
    `Action: ${action}`,
    `Status: ${status}`,
    "Diagnostic-Code: smtp; 550 5.1.1 <bob@customer.example>:",
    "    Recipient address rejected: User unknown",
    extra,
  ].join("\r\n");

const report = (status: string, action?: string) =>
  message({
    from: { address: "MAILER-DAEMON@mx.sender.example", name: "Mail Delivery System" },
    subject: "Undelivered Mail Returned to Sender",
    headers: { "content-type": 'multipart/report; report-type=delivery-status; boundary="b"' },
    reportParts: [
      { contentType: "message/delivery-status", content: DSN(status, action) },
      {
        contentType: "text/rfc822-headers",
        content: "From: us@sender.example\r\nMessage-ID: <orig-1@sender.example>\r\n\r\n",
      },
    ],
  });

describe("classifyInbound: bounces", () => {
  it("reads a 5.1.1 report as a hard bounce with recipient, original Message-ID and envelope id", () => {
    expect(classifyInbound(report("5.1.1"))).toEqual({
      kind: "bounce",
      bounceType: "hard",
      status: "5.1.1",
      policy: false,
      recipient: "bob@customer.example",
      originalMessageId: "<orig-1@sender.example>",
      envelopeId: "env-123",
      diagnostic: "550 5.1.1 <bob@customer.example>: Recipient address rejected: User unknown",
    });
  });

  it.each([
    ["5.2.2", "failed", "soft"],
    ["4.2.2", "failed", "soft"],
    ["4.4.1", "delayed", "soft"],
    ["5.0.0", "delayed", "soft"],
    ["5.4.4", "failed", "hard"],
  ] as const)("status %s with action %s is a %s bounce", (status, action, bounceType) => {
    expect(classifyInbound(report(status, action))).toMatchObject({ kind: "bounce", bounceType, status });
  });

  it("flags 5.7.x as a policy refusal", () => {
    expect(classifyInbound(report("5.7.1"))).toMatchObject({ bounceType: "hard", policy: true });
  });

  it("reports a delivery report without failure as unknown", () => {
    expect(classifyInbound(report("2.0.0", "delivered"))).toEqual({
      kind: "unknown",
      reason: "delivery_report_without_failure",
    });
  });

  it("reads a classic qmail-style bounce without a report part", () => {
    const verdict = classifyInbound(
      message({
        from: { address: "MAILER-DAEMON@mail.example", name: "" },
        subject: "failure notice",
        text: "Hi. This is the qmail-send program.\n\n<bob@customer.example>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 unknown user\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <orig-2@sender.example>\n",
      }),
    );
    expect(verdict).toMatchObject({
      kind: "bounce",
      bounceType: "hard",
      status: "5.1.1",
      recipient: "bob@customer.example",
      originalMessageId: "<orig-2@sender.example>",
    });
  });

  it("does not read an IP address as a status code", () => {
    const verdict = classifyInbound(
      message({
        from: { address: "postmaster@mail.example", name: "" },
        subject: "Delivery Status Notification (Failure)",
        text: "Host 10.4.2.1 said: 452 too many recipients",
      }),
    );
    expect(verdict).toMatchObject({ kind: "bounce", bounceType: "soft", status: "4.0.0" });
  });
});

describe("classifyInbound: automatic replies", () => {
  const sent = new Date("2026-11-20T10:00:00Z");
  it.each([
    [{ "auto-submitted": "auto-replied" }, "Re: Hello", "auto_submitted"],
    [{ "auto-submitted": "auto-generated; owner-email=x@y" }, "Hello", "auto_submitted"],
    [{ "x-autoreply": "yes" }, "Re: Hello", "autoreply_header"],
    [{ "x-autorespond": "Thanks" }, "Re: Hello", "autoreply_header"],
    [{ precedence: "auto_reply" }, "Re: Hello", "precedence"],
    [{ precedence: "bulk" }, "Re: Hello", "precedence"],
    [{ "x-ms-exchange-inbox-rules-loop": "jane@customer.example" }, "Re: Hello", "inbox_rule"],
    [{}, "Automatic reply: Hello", "subject"],
    [{}, "Out of Office: Hello", "subject"],
    [{}, "Abwesenheitsnotiz: Hallo", "subject"],
    [{}, "Réponse automatique : Bonjour", "subject"],
    [{}, "Respuesta automática: Hola", "subject"],
    [{}, "Out of Office AutoReply: Hello", "subject"],
  ])("%o with subject %s is an auto-reply (%s)", (headers, subject, signal) => {
    const verdict = classifyInbound(
      message({ from, subject, headers, date: sent, text: "Back on December 2." }),
    );
    expect(verdict).toEqual({ kind: "auto_reply", returnDate: new Date("2026-12-02T00:00:00Z"), signal });
  });

  it("is not fooled by Auto-Submitted: no or by a person writing about the office", () => {
    expect(
      classifyInbound(
        message({ from, subject: "Re: Hello", headers: { "auto-submitted": "no" }, inReplyTo: "<a@b>" }),
      ),
    ).toEqual({ kind: "reply" });
    expect(
      classifyInbound(message({ from, subject: "Re: Out of office coverage plan", inReplyTo: "<a@b>" })),
    ).toEqual({
      kind: "reply",
    });
  });

  it("takes the reference date from the options over the message date", () => {
    const verdict = classifyInbound(
      message({ from, subject: "Automatic reply", date: sent, text: "Back on January 5." }),
      { referenceDate: new Date("2027-01-02T00:00:00Z") },
    );
    expect(verdict).toMatchObject({ returnDate: new Date("2027-01-05T00:00:00Z") });
  });
});

describe("classifyInbound: replies", () => {
  it("calls a message with thread headers, a reply address or a Re: subject a reply", () => {
    expect(classifyInbound(message({ from, subject: "Thanks", inReplyTo: "<m1@sender.example>" }))).toEqual({
      kind: "reply",
    });
    expect(
      classifyInbound(
        message({ from, subject: "Thanks", to: [{ address: "reply+abc_DEF-1@in.example", name: "" }] }),
      ),
    ).toEqual({ kind: "reply" });
    expect(classifyInbound(message({ from, subject: "AW: Angebot" }))).toEqual({ kind: "reply" });
  });

  it("calls a fresh message unknown, and one without sender too", () => {
    expect(classifyInbound(message({ from, subject: "Hello there" }))).toEqual({
      kind: "unknown",
      reason: "not_a_reply",
    });
    expect(classifyInbound(message({ subject: "Re: x" }))).toEqual({ kind: "unknown", reason: "no_sender" });
  });
});
