import { sql } from "kysely";
import type { SqlContext } from "../sql-context.js";

const COLUMNS = { replied: "replied_at", bounced: "bounced_at", complained: "complained_at" } as const;

/**
 * Stamps `replied_at`, `bounced_at` or `complained_at` on an outbound email if it is unset, moving its
 * status along (a reply outranks `sent` and `opened`; a bounce outranks everything; a complaint leaves
 * it). The database decides who was first.
 */
export async function markEmail(
  { db, dialect }: SqlContext,
  emailId: string,
  mark: "replied" | "bounced" | "complained",
  at: Date,
): Promise<boolean> {
  if (!dialect.isId(emailId)) return false;
  const time = dialect.values.time(at);
  const column = COLUMNS[mark];
  const status =
    mark === "bounced"
      ? "bounced"
      : mark === "replied"
        ? sql<string>`case when status in ('sent', 'opened') then 'replied' else status end`
        : sql<string>`status`;
  const result = await dialect.transaction(db, (trx) =>
    trx
      .updateTable("emails")
      .set({ [column]: time, status, updated_at: time })
      .where("id", "=", emailId)
      .where("direction", "=", sql.lit("outbound"))
      .where(column, "is", null)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) === 1;
}
