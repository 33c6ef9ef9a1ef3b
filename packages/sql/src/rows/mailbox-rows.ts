import type { Mailbox, RampUp } from "@cadenza/core";
import type { Insertable, Selectable } from "kysely";
import type { MailboxesTable } from "../database.js";
import { readTime, readTimeOrNull } from "../read-values.js";
import type { SqlValues } from "../sql-dialect.js";

/** A `mailboxes` row as a Mailbox. */
export function toMailbox(row: Selectable<MailboxesTable>, values: SqlValues): Mailbox {
  return {
    id: row.id,
    fromName: row.from_name,
    fromEmail: row.from_email,
    replyTo: row.reply_to,
    dailyCap: row.daily_cap,
    timezone: row.timezone,
    rampUp: row.ramp_up === null ? null : (values.readJson(row.ramp_up) as RampUp),
    minGapSeconds: row.min_gap_seconds,
    gapJitterSeconds: row.gap_jitter_seconds,
    flaggedAt: readTimeOrNull(row.flagged_at),
    flagReason: row.flag_reason,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

/** The row a Mailbox writes; the pacing cursor (`next_free_at`) is the claim's, not the host's. */
export function mailboxColumns(
  m: Mailbox,
  values: SqlValues,
): Omit<Insertable<MailboxesTable>, "next_free_at"> {
  return {
    id: m.id,
    from_name: m.fromName,
    from_email: m.fromEmail,
    reply_to: m.replyTo,
    daily_cap: m.dailyCap,
    timezone: m.timezone,
    ramp_up: m.rampUp ? values.json(m.rampUp) : null,
    min_gap_seconds: m.minGapSeconds,
    gap_jitter_seconds: m.gapJitterSeconds,
    flagged_at: m.flaggedAt === null ? null : values.time(m.flaggedAt),
    flag_reason: m.flagReason,
    created_at: values.time(m.createdAt),
    updated_at: values.time(m.updatedAt),
  };
}
