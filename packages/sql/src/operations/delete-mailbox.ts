import type { SqlContext } from "../sql-context.js";

/** Deletes a mailbox; its leads are left without one (emails keep the id they were sent from). */
export async function deleteMailbox({ db, dialect }: SqlContext, id: string): Promise<void> {
  await dialect.transaction(db, async (trx) => {
    await trx.updateTable("campaign_leads").set({ mailbox_id: null }).where("mailbox_id", "=", id).execute();
    await trx.deleteFrom("mailboxes").where("id", "=", id).execute();
  });
}
