import type { SqlContext } from "../sql-context.js";

/**
 * Deletes a campaign; its steps, leads and counter rows go with it (foreign keys cascade), its emails
 * keep a null campaign and lead. Deleting an absent campaign does nothing.
 */
export async function deleteCampaign({ db, dialect }: SqlContext, id: string): Promise<void> {
  if (!dialect.isId(id)) return;
  await dialect.transaction(db, (trx) => trx.deleteFrom("campaigns").where("id", "=", id).execute());
}
