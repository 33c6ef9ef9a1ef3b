import type { Mailbox } from "@cadenza/core";
import { toMailbox } from "../rows/mailbox-rows.js";
import type { SqlContext } from "../sql-context.js";

/** One mailbox, or null. */
export async function getMailbox({ db, dialect }: SqlContext, id: string): Promise<Mailbox | null> {
  const row = await db.selectFrom("mailboxes").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toMailbox(row, dialect.values) : null;
}

/** All mailboxes, by id. */
export async function listMailboxes({ db, dialect }: SqlContext): Promise<Mailbox[]> {
  const rows = await db.selectFrom("mailboxes").selectAll().orderBy("id").execute();
  return rows.map((row) => toMailbox(row, dialect.values));
}
