import type { SqlContext } from "../sql-context.js";

/** Deletes a mailbox; leads and emails that used it keep a null mailbox. */
export async function deleteMailbox({ db, dialect }: SqlContext, id: string): Promise<void> {
  await dialect.transaction(db, (trx) => trx.deleteFrom("mailboxes").where("id", "=", id).execute());
}
