import type { Suppression } from "@cadenza/core";
import { sql } from "kysely";
import { toSuppression } from "../rows/event-rows.js";
import type { SqlContext } from "../sql-context.js";

/** The subset of `emails` (compared lower-case) on the suppression list. */
export async function findSuppressed(
  { db, dialect }: SqlContext,
  emails: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  if (wanted.length === 0) return new Set();
  const rows = await db
    .selectFrom("suppressions as s")
    .select("s.email")
    .where(
      sql<boolean>`s.email in (select email from ${dialect.jsonRows(
        wanted.map((email) => ({ email })),
        { email: "text" },
      )} as w)`,
    )
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** A page of the suppression list, newest first. */
export async function listSuppressions(
  { db }: SqlContext,
  page: { limit: number; offset: number },
): Promise<Suppression[]> {
  const rows = await db
    .selectFrom("suppressions")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("email")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toSuppression);
}
