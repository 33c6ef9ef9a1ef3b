import { describe, expect, it } from "vitest";
import { inboundMessageSchema } from "./inbound-message.js";
import { matchKeys, messageIdsIn } from "./match-keys.js";

describe("matchKeys", () => {
  it("lists In-Reply-To then References newest first, bracketed and without duplicates", () => {
    const message = inboundMessageSchema.parse({
      inReplyTo: "<c@x.example>",
      references: ["<a@x.example>", "b@x.example", "<c@x.example>"],
    });
    expect(matchKeys(message).messageIds).toEqual(["<c@x.example>", "<b@x.example>", "<a@x.example>"]);
  });

  it("finds the token of a plus-addressed recipient in To or the envelope headers", () => {
    const to = inboundMessageSchema.parse({ to: [{ address: "Reply+Tok_en-9@in.example" }] });
    expect(matchKeys(to).plusToken).toBe("Tok_en-9");
    const envelope = inboundMessageSchema.parse({
      to: [{ address: "sales@acme.example" }],
      headers: { "delivered-to": "other@x.example\nreply+T0k@in.example" },
    });
    expect(matchKeys(envelope).plusToken).toBe("T0k");
  });

  it("ignores other plus addresses unless told their prefix", () => {
    const message = inboundMessageSchema.parse({ to: [{ address: "john+sales@acme.example" }] });
    expect(matchKeys(message).plusToken).toBeNull();
    expect(matchKeys(message, { plusPrefix: "john" }).plusToken).toBe("sales");
  });
});

describe("messageIdsIn", () => {
  it.each([
    ["<a@b> <c@d>", ["<a@b>", "<c@d>"]],
    ["  <a@b>\r\n\t<c@\r\n d>", ["<a@b>", "<c@d>"]],
    ["bare@id.example", ["<bare@id.example>"]],
    ["no id here", []],
    ["", []],
    ["<>", []],
  ])("%j → %j", (value, expected) => {
    expect(messageIdsIn(value)).toEqual(expected);
  });
});
