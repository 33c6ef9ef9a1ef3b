import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { emailColumns } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/**
 * Stores an inbound email (a reply) once per Message-ID: the unique index of inbound Message-IDs
 * decides, so two deliveries of one message racing store one row. Returns whether this one was stored;
 * a second save of the same id is a CONFLICT.
 */
export async function saveInboundEmail({ db, dialect }: SqlContext, email: EmailRecord): Promise<boolean> {
  const inserted = await dialect.transaction(db, (trx) =>
    trx
      .insertInto("emails")
      .values(emailColumns({ ...email, direction: "inbound" }, null, dialect.values))
      .onConflict((oc) => oc.column("message_id").where("direction", "=", sql.lit("inbound")).doNothing())
      .returning("id")
      .execute(),
  );
  return inserted.length === 1;
}
