import type { SqlContext } from "../sql-context.js";

/** Sends counted against a quota key on a day (0 when none). */
export async function getQuotaUsage({ db }: SqlContext, key: string, day: string): Promise<number> {
  const row = await db
    .selectFrom("send_quotas")
    .select("used")
    .where("key", "=", key)
    .where("day", "=", day)
    .executeTakeFirst();
  return row?.used ?? 0;
}
