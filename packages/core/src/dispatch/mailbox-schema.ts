import { z } from "zod";
import { emailAddressSchema } from "../audience/prospect-schema.js";
import { timeZoneSchema } from "../campaign/campaign-schema.js";

/**
 * A sending identity. The engine paces and caps per mailbox; the transport for it is built by the
 * host (e.g. `smtpTransport(mailbox)`).
 */
export const mailboxInputSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  fromName: z.string().trim().max(200).default(""),
  fromEmail: emailAddressSchema,
  replyTo: emailAddressSchema.nullish().transform((v) => v ?? null),
  /** Most emails this mailbox sends per day (in `timezone`) across all campaigns; null = no cap. */
  dailyCap: z
    .number()
    .int()
    .min(1)
    .nullish()
    .transform((v) => v ?? null),
  /**
   * IANA zone whose calendar days `dailyCap` counts (default `UTC`): the mailbox's owner's, so the
   * cap starts again at their midnight, not in the middle of their working day.
   */
  timezone: timeZoneSchema.default("UTC"),
  /** Minimum seconds between two emails from this mailbox (the human-like gap). */
  minGapSeconds: z.number().int().min(0).max(86_400).default(0),
  /** Up to this many extra seconds, chosen at random per email, added to the gap. */
  gapJitterSeconds: z.number().int().min(0).max(86_400).default(0),
});
export type MailboxInput = z.input<typeof mailboxInputSchema>;

export interface Mailbox extends Omit<z.output<typeof mailboxInputSchema>, "id"> {
  id: string;
  /** Set when the provider rejected this mailbox's mail for policy or authentication reasons. */
  flaggedAt: Date | null;
  flagReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
