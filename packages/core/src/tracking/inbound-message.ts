import { z } from "zod";

/** One mailbox of an address header. */
export const inboundAddressSchema = z.object({
  address: z.string(),
  name: z.string().default(""),
});

/**
 * A received message, already parsed from MIME (`parseInboundEmail` in `@cadenza/http` builds one):
 * what reply, auto-reply and bounce classification and matching need.
 */
export const inboundMessageSchema = z.object({
  /** `Message-ID`, with angle brackets. */
  messageId: z.string().nullable().default(null),
  from: inboundAddressSchema.nullable().default(null),
  /** Recipients from `To` and `Cc`. */
  to: z.array(inboundAddressSchema).default([]),
  subject: z.string().default(""),
  date: z.date().nullable().default(null),
  /** Header values by lower-case name, undecoded and unfolded; repeated headers joined by `\n`. */
  headers: z.record(z.string(), z.string()).default({}),
  text: z.string().default(""),
  html: z.string().nullable().default(null),
  /** `In-Reply-To`, raw. */
  inReplyTo: z.string().nullable().default(null),
  /** Message-IDs of `References`, in header order. */
  references: z.array(z.string()).default([]),
  /**
   * Machine-readable parts of a report (`message/delivery-status`, `message/rfc822`,
   * `text/rfc822-headers`, …) as text, in message order.
   */
  reportParts: z.array(z.object({ contentType: z.string(), content: z.string() })).default([]),
  /** Other attachments, described but not kept. */
  attachments: z
    .array(z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number() }))
    .default([]),
});
export type InboundMessage = z.output<typeof inboundMessageSchema>;
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;
