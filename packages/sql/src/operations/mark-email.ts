import { sql } from "kysely";
import type { SqlContext } from "../sql-context.js";

/**
 * Stamps `replied_at` or `bounced_at` on an outbound email if it is unset, moving its status along
 * (a reply outranks `sent` and `opened`; a bounce outranks everything). The database decides who was
 * first.
 */
export async function markEmail(
  { db, dialect }: SqlContext,
  emailId: string,
  mark: "replied" | "bounced",
  at: Date,
): Promise<boolean> {
  if (!dialect.isId(emailId)) return false;
  const time = dialect.values.time(at);
  const column = mark === "replied" ? "replied_at" : "bounced_at";
  const result = await dialect.transaction(db, (trx) =>
    trx
      .updateTable("emails")
      .set({
        [column]: time,
        status:
          mark === "bounced"
            ? "bounced"
            : sql<string>`case when status in ('sent', 'opened') then 'replied' else status end`,
        updated_at: time,
      })
      .where("id", "=", emailId)
      .where("direction", "=", sql.lit("outbound"))
      .where(column, "is", null)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) === 1;
}
