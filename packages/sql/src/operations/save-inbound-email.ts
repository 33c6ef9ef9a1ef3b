import type { EmailRecord } from "@cadenza/core";
import { emailColumns } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Stores an inbound email (a reply); a second save of the same id is a CONFLICT. */
export async function saveInboundEmail({ db, dialect }: SqlContext, email: EmailRecord): Promise<void> {
  await dialect.transaction(db, (trx) =>
    trx
      .insertInto("emails")
      .values(emailColumns({ ...email, direction: "inbound" }, null, dialect.values))
      .execute(),
  );
}
