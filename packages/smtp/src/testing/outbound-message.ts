import type { OutboundMessage } from "@cadenza/core";

let sequence = 0;

/** A fully rendered message as the engine hands it over, with a fresh Message-ID per call. */
export function outboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  sequence += 1;
  const token = `${process.pid}-${sequence}`;
  return {
    messageId: `<step-${token}@mail.acme.example>`,
    from: { name: "Ada Lovelace", email: "ada@acme.example" },
    to: { name: "Grace Hopper", email: "grace@navy.example" },
    replyTo: "replies@acme.example",
    subject: "Quick question about compilers",
    html: "<p>Hi Grace,</p><p>Would a <b>compiler</b> help your team?</p>",
    text: "Hi Grace,\n\nWould a compiler help your team?",
    inReplyTo: null,
    references: [],
    headers: {
      "List-Unsubscribe": `<https://t.acme.example/u/${token}>, <mailto:unsubscribe@acme.example?subject=${token}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    idempotencyKey: `idem-${token}`,
    mailboxId: "mbx-1",
    ...overrides,
  };
}
