import { CadenzaError } from "@cadenza/core";
import type { SqlContext } from "../sql-context.js";

/** Throws NOT_FOUND unless the campaign exists. */
export async function requireCampaign({ db, dialect }: SqlContext, campaignId: string): Promise<void> {
  const found =
    dialect.isId(campaignId) &&
    (await db.selectFrom("campaigns").select("id").where("id", "=", campaignId).executeTakeFirst());
  if (!found) {
    throw new CadenzaError("NOT_FOUND", {
      message: `Campaign ${campaignId} not found`,
      details: { campaignId },
    });
  }
}
