import { z } from "zod";
import { emailAddressSchema } from "../audience/prospect-schema.js";
import { timeZoneSchema } from "../campaign/campaign-schema.js";

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A new mailbox's volume ramp: `startCap` emails on `startedOn`, `increasePerDay` more each day after,
 * until `dailyCap`. Providers judge a new address by how its volume grows; one that sends its full
 * cap from the first day looks like what it is.
 */
export const rampUpSchema = z.object({
  startCap: z.number().int().min(1),
  increasePerDay: z.number().int().min(1),
  /** The ramp's first day (`YYYY-MM-DD`, in the mailbox's zone); default: the day it is saved. */
  startedOn: z
    .string()
    .regex(dayPattern, "Expected a day as YYYY-MM-DD")
    .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), "Not a calendar day")
    .optional(),
});
export type RampUp = Required<z.output<typeof rampUpSchema>>;

/**
 * A sending identity. The engine paces and caps per mailbox; the transport for it is built by the
 * host (e.g. `smtpTransport(mailbox)`).
 */
export const mailboxInputSchema = z
  .object({
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
    /** Grow the daily volume from a small start up to `dailyCap` (which it needs); null = none. */
    rampUp: rampUpSchema.nullish().transform((v) => v ?? null),
  })
  .superRefine((m, ctx) => {
    if (m.rampUp && m.dailyCap === null)
      ctx.addIssue({
        code: "custom",
        path: ["rampUp"],
        message: "A ramp-up grows to dailyCap: set dailyCap",
      });
  });
export type MailboxInput = z.input<typeof mailboxInputSchema>;

export interface Mailbox extends Omit<z.output<typeof mailboxInputSchema>, "id" | "rampUp"> {
  id: string;
  rampUp: RampUp | null;
  /** Set when the provider rejected this mailbox's mail for policy or authentication reasons. */
  flaggedAt: Date | null;
  flagReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The most a mailbox may send on `day` (`YYYY-MM-DD` in its zone): its `dailyCap`, or less on a day of
 * its ramp-up (`startCap` on the first day, `increasePerDay` more each day after; the start cap before
 * the ramp has begun). Null: no cap.
 */
export function mailboxCapOn(mailbox: Pick<Mailbox, "dailyCap" | "rampUp">, day: string): number | null {
  const { dailyCap, rampUp } = mailbox;
  if (dailyCap === null || !rampUp) return dailyCap;
  const days = Math.round(
    (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${rampUp.startedOn}T00:00:00Z`)) / 86_400_000,
  );
  return Math.min(dailyCap, rampUp.startCap + Math.max(0, days) * rampUp.increasePerDay);
}
