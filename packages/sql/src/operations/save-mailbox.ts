import type { Mailbox } from "@cadenza/core";
import { mailboxColumns, toMailbox } from "../rows/mailbox-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Inserts or replaces a mailbox by id; its pacing cursor (the claim's, not the host's) survives. */
export async function saveMailbox({ db, dialect }: SqlContext, mailbox: Mailbox): Promise<Mailbox> {
  const columns = mailboxColumns(mailbox, dialect.values);
  const row = await dialect.transaction(db, (trx) =>
    trx
      .insertInto("mailboxes")
      .values(columns)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          from_name: columns.from_name,
          from_email: columns.from_email,
          reply_to: columns.reply_to,
          daily_cap: columns.daily_cap,
          timezone: columns.timezone,
          ramp_up: columns.ramp_up,
          min_gap_seconds: columns.min_gap_seconds,
          gap_jitter_seconds: columns.gap_jitter_seconds,
          flagged_at: columns.flagged_at,
          flag_reason: columns.flag_reason,
          created_at: columns.created_at,
          updated_at: columns.updated_at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toMailbox(row, dialect.values);
}
