import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyInbound, matchKeys } from "./core-tracking.js";
import { parseInboundEmail } from "./parse-inbound-email.js";

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url));

describe("parseInboundEmail on real-shaped messages", () => {
  it("reads a Gmail reply: thread headers, plus-addressed recipient, decoded text", async () => {
    const message = await parseInboundEmail(fixture("gmail-reply.eml"));
    expect(message.from).toEqual({ address: "jane.doe@gmail.com", name: "Jane Doe" });
    expect(message.subject).toBe("Re: Quick question about Acme's onboarding");
    expect(message.date).toEqual(new Date("2026-11-17T16:12:31Z"));
    expect(message.text).toContain("Thanks for reaching out — yes");
    expect(message.headers["delivered-to"]).toBe("reply+REPLYTOKEN_123@in.sender.example");
    expect(message.headers.received?.split("\n")).toHaveLength(2);
    expect(classifyInbound(message)).toEqual({ kind: "reply" });
    expect(matchKeys(message)).toEqual({
      messageIds: [
        "<0192f0c4-0002-7000-8000-000000000002@sender.example>",
        "<0192f0c4-0001-7000-8000-000000000001@sender.example>",
      ],
      plusToken: "REPLYTOKEN_123",
    });
  });

  it("reads an Outlook reply with a Latin-1 body", async () => {
    const message = await parseInboundEmail(fixture("outlook-reply.eml"));
    expect(message.from?.name).toBe("Bauer, Klaus");
    expect(message.text).toContain("Grüße,");
    expect(classifyInbound(message)).toEqual({ kind: "reply" });
    expect(matchKeys(message).messageIds).toEqual(["<0192f0c4-0003-7000-8000-000000000003@sender.example>"]);
  });

  it("reads an Exchange out-of-office reply with its return date", async () => {
    const message = await parseInboundEmail(fixture("exchange-out-of-office.eml"));
    expect(classifyInbound(message)).toEqual({
      kind: "auto_reply",
      returnDate: new Date("2026-12-07T00:00:00Z"),
      signal: "auto_submitted",
    });
    expect(matchKeys(message).messageIds).toEqual(["<0192f0c4-0004-7000-8000-000000000004@sender.example>"]);
  });

  it("reads a Postfix 5.1.1 delivery status report with the returned message's id", async () => {
    const message = await parseInboundEmail(fixture("postfix-dsn-5.1.1.eml"));
    expect(message.reportParts.map((p) => p.contentType)).toEqual([
      "message/delivery-status",
      "message/rfc822",
    ]);
    expect(classifyInbound(message)).toEqual({
      kind: "bounce",
      bounceType: "hard",
      status: "5.1.1",
      policy: false,
      recipient: "nobody@customer.example",
      originalRecipient: "nobody@customer.example",
      addressRejected: true,
      originalMessageId: "<0192f0c4-0005-7000-8000-000000000005@sender.example>",
      envelopeId: null,
      diagnostic:
        "550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown in virtual mailbox table",
    });
  });

  it("reads Postfix's 4.2.2 delay warning (still being retried) as a delay, not a bounce", async () => {
    const message = await parseInboundEmail(fixture("mailbox-full-4.2.2.eml"));
    expect(message.reportParts.map((p) => p.contentType)).toEqual([
      "message/delivery-status",
      "text/rfc822-headers",
    ]);
    expect(classifyInbound(message)).toMatchObject({
      kind: "delay",
      status: "4.2.2",
      recipient: "full.box@customer.example",
      originalMessageId: "<0192f0c4-0006-7000-8000-000000000006@sender.example>",
    });
  });

  it("reads Yahoo's feedback-loop report (ARF) as a complaint about the message it returns", async () => {
    const message = await parseInboundEmail(fixture("yahoo-arf-complaint.eml"));
    expect(message.reportParts.map((p) => p.contentType)).toEqual([
      "message/feedback-report",
      "message/rfc822",
    ]);
    expect(classifyInbound(message)).toEqual({
      kind: "complaint",
      feedbackType: "abuse",
      recipient: "jane.doe@yahoo.example",
      originalMessageId: "<0192f0c4-0007-7000-8000-000000000007@sender.example>",
      reporter: "Yahoo!-Mail-Feedback/2.0",
    });
  });

  it("reads a complaint Amazon SES forwards, with the headers only and the recipient redacted, never as a reply", async () => {
    const message = await parseInboundEmail(fixture("ses-forwarded-complaint.eml"));
    expect(classifyInbound(message)).toEqual({
      kind: "complaint",
      feedbackType: "abuse",
      recipient: null,
      originalMessageId: "<0100018c2f3a0a0a-0008-000000@email.amazonses.com>",
      reporter: "Amazon SES Feedback Forwarding",
    });
  });

  it("reads an Exchange Online report without the returned headers by its envelope id and recipient", async () => {
    const message = await parseInboundEmail(fixture("exchange-online-ndr-5.1.10.eml"));
    expect(message.reportParts.map((p) => p.contentType)).toEqual(["message/delivery-status"]);
    expect(classifyInbound(message)).toMatchObject({
      kind: "bounce",
      bounceType: "hard",
      status: "5.1.10",
      recipient: "gone@customer.example",
      addressRejected: true,
      originalMessageId: null,
      envelopeId: "0192f0c4-0008-7000-8000-000000000008@sender.example",
    });
  });

  it("reads a reply to a thread this sender never started", async () => {
    const message = await parseInboundEmail(fixture("reply-no-match.eml"));
    expect(classifyInbound(message)).toEqual({ kind: "reply" });
    expect(matchKeys(message)).toEqual({
      messageIds: ["<lunch-thread-1@mail.unrelated.example>"],
      plusToken: null,
    });
  });
});

describe("parseInboundEmail inputs", () => {
  const raw = "From: a@b.example\r\nSubject: hi\r\nDate: nonsense\r\n\r\nbody";

  it("takes a string, bytes or a stream, and keeps an unreadable Date unknown", async () => {
    const stream = new Blob([raw]).stream();
    for (const input of [raw, new TextEncoder().encode(raw), stream]) {
      const message = await parseInboundEmail(input);
      expect(message.subject).toBe("hi");
      expect(message.text.trim()).toBe("body");
      expect(message.date).toBeNull();
    }
  });

  it("refuses a stream over the size limit", async () => {
    await expect(parseInboundEmail(new Blob([raw]).stream(), { maxBytes: 10 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
  });

  it("parses arbitrary bytes into some message rather than failing", async () => {
    const message = await parseInboundEmail(new Uint8Array([0, 255, 13, 10, 13, 10, 1, 2, 3]));
    expect(message.from).toBeNull();
    expect(classifyInbound(message)).toEqual({ kind: "unknown", reason: "no_sender" });
  });
});
