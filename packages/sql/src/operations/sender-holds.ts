import type { SenderHold } from "@cadenza/core";
import { sql } from "kysely";
import type { SqlTime } from "../database.js";
import { readNumber, readTime } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/**
 * Records sender holds in one statement: a key already held keeps whichever hold ends later (its
 * time, end and reason) and the most strikes of the two, so holds written by several workers for one
 * episode agree whatever order they arrive in.
 */
export async function holdSenders({ db, dialect }: SqlContext, holds: readonly SenderHold[]): Promise<void> {
  const byKey = new Map<string, SenderHold>();
  for (const hold of holds) {
    const held = byKey.get(hold.key);
    const later = !held || hold.until.getTime() > held.until.getTime() ? hold : held;
    byKey.set(hold.key, { ...later, strikes: Math.max(hold.strikes, held?.strikes ?? 0) });
  }
  if (byKey.size === 0) return;
  const { values } = dialect;
  const later = sql<boolean>`excluded.held_until > ${sql.ref("sender_holds.held_until")}`;
  const pick = <T>(column: string) =>
    sql<T>`case when ${later} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`sender_holds.${column}`)} end`;
  await dialect.transaction(db, (trx) =>
    trx
      .insertInto("sender_holds")
      .values(
        [...byKey.values()].map((h) => ({
          key: h.key,
          strikes: h.strikes,
          held_at: values.time(h.heldAt),
          held_until: values.time(h.until),
          reason: h.reason,
        })),
      )
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          strikes: sql`case when excluded.strikes > ${sql.ref("sender_holds.strikes")} then excluded.strikes else ${sql.ref("sender_holds.strikes")} end`,
          held_at: pick<SqlTime>("held_at"),
          held_until: pick<SqlTime>("held_until"),
          reason: pick<string>("reason"),
        }),
      )
      .execute(),
  );
}

/** Ends the holds of these keys set at or before `at`: a send through the sender went through. */
export async function releaseSenders(
  { db, dialect }: SqlContext,
  keys: readonly string[],
  at: Date,
): Promise<void> {
  if (keys.length === 0) return;
  await dialect.transaction(db, (trx) =>
    trx
      .deleteFrom("sender_holds")
      .where("key", "in", [...keys])
      .where("held_at", "<=", dialect.values.time(at))
      .execute(),
  );
}

/** Every sender hold not yet released. */
export async function listSenderHolds({ db }: SqlContext): Promise<SenderHold[]> {
  const rows = await db.selectFrom("sender_holds").selectAll().orderBy("key").execute();
  return rows.map((row) => ({
    key: row.key,
    strikes: readNumber(row.strikes),
    heldAt: readTime(row.held_at),
    until: readTime(row.held_until),
    reason: row.reason,
  }));
}
