import { describe, expect, it } from "vitest";
import type { NewEmail } from "../ports.js";
import { sendingRecord } from "./email-record.js";

describe("sendingRecord", () => {
  it("is the new email as `sending`, without its lease, with no outcome or engagement", () => {
    const email: NewEmail = {
      id: "0192f0c4-3b7a-7cde-8f00-1234567890ab",
      campaignId: "c1",
      leadId: "l1",
      prospectId: "p1",
      stepNumber: 2,
      variant: "B",
      mailboxId: "m1",
      messageId: "<x@harbor.example>",
      inReplyTo: "<w@harbor.example>",
      references: ["<w@harbor.example>"],
      subject: "Re: group rates",
      html: "<p>Hi</p>",
      text: "Hi",
      toEmail: "ana@hotel.example",
      fromEmail: "sales@harbor.example",
      idempotencyKey: "l1:2",
      generated: true,
      links: ["https://harbor.example/rates"],
      leaseToken: "lease-1",
      counterDay: "2030-03-04",
    };
    const now = new Date("2030-03-04T09:00:00.000Z");
    const { leaseToken: _lease, ...fields } = email;
    const record = sendingRecord(email, now);
    expect(record).toStrictEqual({
      ...fields,
      direction: "outbound",
      status: "sending",
      providerMessageId: null,
      response: null,
      sentAt: null,
      openedAt: null,
      machineOpenedAt: null,
      clickedAt: null,
      repliedAt: null,
      bouncedAt: null,
      complainedAt: null,
      createdAt: now,
    });
    expect(record).not.toHaveProperty("leaseToken");
  });
});
