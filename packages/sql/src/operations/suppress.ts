import type { Suppression } from "@cadenza/core";
import { chunk } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/** Adds addresses to the suppression list (lower-cased; an address already there keeps its first entry). */
export async function insertSuppressions(
  { db, dialect }: SqlContext,
  entries: readonly Suppression[],
): Promise<void> {
  const byEmail = new Map<string, Suppression>();
  for (const e of entries) {
    const email = e.email.trim().toLowerCase();
    if (!byEmail.has(email)) byEmail.set(email, { ...e, email });
  }
  for (const part of chunk([...byEmail.values()], 1000)) {
    await db
      .insertInto("suppressions")
      .values(
        part.map((e) => ({
          email: e.email,
          reason: e.reason,
          campaign_id: e.campaignId,
          created_at: dialect.values.time(e.createdAt),
        })),
      )
      .onConflict((oc) => oc.column("email").doNothing())
      .execute();
  }
}

/** Adds addresses to the suppression list in one transaction. */
export async function suppress(ctx: SqlContext, entries: readonly Suppression[]): Promise<void> {
  if (entries.length === 0) return;
  await ctx.dialect.transaction(ctx.db, (db) => insertSuppressions({ db, dialect: ctx.dialect }, entries));
}
