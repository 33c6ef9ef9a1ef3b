import type { InboundMessage } from "./inbound-message.js";

/** What an inbound message can be matched to a sent email by. */
export interface MatchKeys {
  /** Message-IDs it answers, with angle brackets: `In-Reply-To` first, then `References`, newest first. */
  messageIds: string[];
  /** Token of a plus-addressed recipient (`reply+<token>@domain`), or null. */
  plusToken: string | null;
}

/** Options of `matchKeys`. */
export interface MatchKeysOptions {
  /** Local part before the `+` of reply addresses (default `reply`). */
  plusPrefix?: string;
}

/** Headers naming the envelope recipient, which is where a plus address survives forwarding. */
const RECIPIENT_HEADERS = ["delivered-to", "x-original-to", "envelope-to", "x-envelope-to"];

/**
 * The keys that tie an inbound message to the email it answers.
 *
 * ```ts
 * matchKeys(message); // { messageIds: ["<a@x>", "<b@x>"], plusToken: null }
 * ```
 */
export function matchKeys(message: InboundMessage, options: MatchKeysOptions = {}): MatchKeys {
  const ids = [
    ...messageIdsIn(message.inReplyTo ?? ""),
    ...message.references.flatMap(messageIdsIn).reverse(),
  ];
  const prefix = (options.plusPrefix ?? "reply").toLowerCase();
  let plusToken: string | null = null;
  for (const recipient of recipientsOf(message)) {
    const match = /^\s*<?([^@\s<>+]+)\+([A-Za-z0-9_-]+)@[^@\s<>]+>?\s*$/.exec(recipient);
    if (match && match[1]!.toLowerCase() === prefix) {
      plusToken = match[2]!;
      break;
    }
  }
  return { messageIds: [...new Set(ids)], plusToken };
}

/** The addresses a message was sent to, as written: `To` and `Cc`, then the envelope headers. */
function recipientsOf(message: InboundMessage): string[] {
  return [
    ...message.to.map((a) => a.address),
    ...RECIPIENT_HEADERS.flatMap((name) => message.headers[name]?.split(/[\n,]/) ?? []),
  ];
}

/**
 * Whether a message was sent to `address` (case-insensitive), by `To`, `Cc` or an envelope header
 * (`Delivered-To`, `X-Original-To`, …), where the address survives a Bcc or a forward.
 */
export function isAddressedTo(message: InboundMessage, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  return recipientsOf(message).some((r) => r.trim().replace(/^<|>$/g, "").toLowerCase() === wanted);
}

/**
 * The Message-IDs in a header value, each with angle brackets. A value without brackets is taken
 * whole (some clients drop them); whitespace inside brackets is removed (folding leftovers).
 */
export function messageIdsIn(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>]+)>/g)].map((m) => m[1]!.replace(/\s+/g, ""));
  if (bracketed.length > 0) return bracketed.filter((id) => id !== "").map((id) => `<${id}>`);
  const bare = value.trim();
  return bare !== "" && !/\s/.test(bare) && bare.includes("@") ? [`<${bare}>`] : [];
}
