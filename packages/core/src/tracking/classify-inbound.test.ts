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
      originalRecipient: null,
      addressRejected: true,
      originalMessageId: "<orig-1@sender.example>",
      envelopeId: "env-123",
      diagnostic: "550 5.1.1 <bob@customer.example>: Recipient address rejected: User unknown",
    });
  });

  it.each([
    ["5.2.2", "failed", "soft"],
    ["4.2.2", "failed", "soft"],
    ["4.4.7", "failed", "soft"],
    ["5.4.4", "failed", "hard"],
  ] as const)("status %s with action %s is a %s bounce", (status, action, bounceType) => {
    expect(classifyInbound(report(status, action))).toMatchObject({ kind: "bounce", bounceType, status });
  });

  it.each(["4.4.1", "5.0.0"])(
    "reads a delay warning (Action: delayed, status %s) as a delay, not a bounce",
    (status) => {
      expect(classifyInbound(report(status, "delayed"))).toEqual({
        kind: "delay",
        status,
        recipient: "bob@customer.example",
        originalMessageId: "<orig-1@sender.example>",
        envelopeId: "env-123",
        diagnostic: "550 5.1.1 <bob@customer.example>: Recipient address rejected: User unknown",
      });
    },
  );

  it("reads a plain-text delay warning as a delay", () => {
    const verdict = classifyInbound(
      message({
        from: { address: "postmaster@mail.example", name: "" },
        subject: "Delivery Status Notification (Delay)",
        text: "Delivery incomplete. Host mx.customer.example said: 451 4.7.0 Try again later\n",
      }),
    );
    expect(verdict).toMatchObject({ kind: "delay", status: "4.7.0" });
  });

  it.each([
    ["5.1.1", "failed", 1, true],
    ["5.1.10", "failed", 1, true],
    ["5.1.2", "failed", 1, true],
    ["5.1.1", "failed", 2, false],
    ["5.1.8", "failed", 1, false],
    ["5.2.1", "failed", 1, false],
    ["5.4.4", "failed", 1, false],
    ["5.7.1", "failed", 1, false],
  ] as const)(
    "a %s report (%s, %i recipient(s)) rejects the address alone: %s",
    (status, action, count, rejected) => {
      const blocks = Array.from({ length: count }, (_, i) =>
        [`Final-Recipient: rfc822; user${i}@customer.example`, `Action: ${action}`, `Status: ${status}`].join(
          "\r\n",
        ),
      );
      const verdict = classifyInbound(
        message({
          from: { address: "MAILER-DAEMON@mx.sender.example", name: "" },
          headers: { "content-type": "multipart/report; report-type=delivery-status" },
          reportParts: [
            {
              contentType: "message/delivery-status",
              content: ["Reporting-MTA: dns; mx.sender.example", ...blocks].join("\r\n\r\n"),
            },
          ],
        }),
      );
      expect(verdict).toMatchObject({ kind: "bounce", status, addressRejected: rejected });
    },
  );

  it("never lets a text bounce name the address alone", () => {
    const verdict = classifyInbound(
      message({
        from: { address: "MAILER-DAEMON@mail.example", name: "" },
        subject: "failure notice",
        text: "<bob@customer.example>:\nRemote host said: 550 5.1.1 unknown user\n",
      }),
    );
    expect(verdict).toMatchObject({ kind: "bounce", status: "5.1.1", addressRejected: false });
  });

  it("decodes an xtext-encoded envelope id", () => {
    const verdict = classifyInbound(
      message({
        headers: { "content-type": "multipart/report; report-type=delivery-status" },
        reportParts: [
          {
            contentType: "message/delivery-status",
            content:
              "Original-Envelope-Id: abc+2Bdef@sender.example\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n",
          },
        ],
      }),
    );
    expect(verdict).toMatchObject({ envelopeId: "abc+def@sender.example" });
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

describe("classifyInbound: complaints and other reports", () => {
  const arf = (feedbackType: string | null, extra = "") =>
    message({
      from: { address: "feedback@arf.mail.yahoo.com", name: "" },
      subject: "Re: Hello",
      inReplyTo: "<orig-1@sender.example>",
      headers: { "content-type": 'multipart/report; report-type=feedback-report; boundary="b"' },
      reportParts: [
        {
          contentType: "message/feedback-report",
          content: [
            ...(feedbackType === null ? [] : [`Feedback-Type: ${feedbackType}`]),
            "User-Agent: Yahoo!-Mail-Feedback/2.0",
            "Version: 0.1",
            "Original-Mail-From: <bounce@sender.example>",
            extra,
          ].join("\r\n"),
        },
        {
          contentType: "message/rfc822",
          content: "From: us@sender.example\r\nMessage-ID: <orig-1@sender.example>\r\n\r\nHi",
        },
      ],
    });

  it("reads an RFC 5965 abuse report as a complaint, never as a reply, whatever its subject", () => {
    expect(classifyInbound(arf("abuse", "Original-Rcpt-To: <Jane@Customer.example>"))).toEqual({
      kind: "complaint",
      feedbackType: "abuse",
      recipient: "jane@customer.example",
      originalMessageId: "<orig-1@sender.example>",
      reporter: "Yahoo!-Mail-Feedback/2.0",
    });
  });

  it.each(["fraud", "virus", "other", null])("counts feedback type %s as a complaint", (type) => {
    expect(classifyInbound(arf(type))).toMatchObject({
      kind: "complaint",
      feedbackType: type ?? "abuse",
      recipient: null,
    });
  });

  it.each(["not-spam", "auth-failure"])(
    "does not take a %s feedback report for a complaint or a reply",
    (type) => {
      expect(classifyInbound(arf(type))).toEqual({
        kind: "unknown",
        reason: "feedback_report_not_a_complaint",
      });
    },
  );

  it("ignores a redacted Original-Rcpt-To", () => {
    expect(classifyInbound(arf("abuse", "Original-Rcpt-To: xxxxxxxx@customer.example"))).toMatchObject({
      kind: "complaint",
      recipient: null,
    });
  });

  it("reads Microsoft's older JMRP format (the message attached, from staff@hotmail.com) as a complaint", () => {
    const verdict = classifyInbound(
      message({
        from: { address: "staff@hotmail.com", name: "" },
        subject: "complaint about message from 192.0.2.10",
        headers: { "content-type": 'multipart/mixed; boundary="b"' },
        reportParts: [
          {
            contentType: "message/rfc822",
            content:
              "X-HmXmrOriginalRecipient: <jane@outlook.example>\r\nFrom: us@sender.example\r\nMessage-ID: <orig-9@sender.example>\r\n\r\nHi",
          },
        ],
      }),
    );
    expect(verdict).toEqual({
      kind: "complaint",
      feedbackType: "abuse",
      recipient: "jane@outlook.example",
      originalMessageId: "<orig-9@sender.example>",
      reporter: "JMRP",
    });
  });

  it("does not take a read receipt for a reply", () => {
    const verdict = classifyInbound(
      message({
        from,
        subject: "Re: Hello",
        inReplyTo: "<orig-1@sender.example>",
        headers: { "content-type": "multipart/report; report-type=disposition-notification" },
      }),
    );
    expect(verdict).toEqual({ kind: "unknown", reason: "other_report" });
  });
});

describe("classifyInbound: unsubscribe requests", () => {
  const request = (to: string, headers: Record<string, string> = {}) =>
    message({ from, to: [{ address: to, name: "" }], subject: "unsubscribe", headers });

  it("reads mail to the List-Unsubscribe address as its sender's request, automatic or not", () => {
    const options = { unsubscribeAddress: "Unsubscribe@Sender.example" };
    expect(classifyInbound(request("unsubscribe@sender.example"), options)).toEqual({
      kind: "unsubscribe",
      address: "jane@customer.example",
    });
    expect(
      classifyInbound(request("unsubscribe@sender.example", { "auto-submitted": "auto-generated" }), options),
    ).toMatchObject({ kind: "unsubscribe" });
    expect(
      classifyInbound(
        message({ from, subject: "unsubscribe", headers: { "delivered-to": "unsubscribe@sender.example" } }),
        options,
      ),
    ).toMatchObject({ kind: "unsubscribe" });
  });

  it("leaves mail to other addresses, or without the option, as it was", () => {
    expect(
      classifyInbound(request("sales@sender.example"), { unsubscribeAddress: "unsubscribe@sender.example" }),
    ).toEqual({
      kind: "unknown",
      reason: "not_a_reply",
    });
    expect(classifyInbound(request("unsubscribe@sender.example"))).toEqual({
      kind: "unknown",
      reason: "not_a_reply",
    });
  });
});
