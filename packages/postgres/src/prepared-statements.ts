import { createHash } from "node:crypto";
import type { PostgresPool, PostgresPoolClient } from "kysely";

/** A statement text runs this many times unnamed before it is prepared. */
const PREPARE_AFTER = 2;
/** Texts counted while they wait to be prepared; past it, counting starts over. */
const MAX_COUNTED = 1_000;
/** Statements prepared on one connection; past it, new texts run unnamed there. */
const MAX_PER_CONNECTION = 100;

/** What pg's client offers besides Kysely's subset: named statements and the transaction status. */
type PgClient = PostgresPoolClient & {
  query(config: { name: string; text: string; values: unknown[] }): Promise<never>;
  getTransactionStatus?(): string | null;
};

/** Why a named statement failed in a way that running it unnamed fixes. */
export function isPreparedStatementError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // 26000: the server does not have it (a pooler in transaction mode, or a reset session).
  // 0A000 "cached plan must not change result type": a migration changed a table it reads.
  return (
    code === "26000" || (code === "0A000" && typeof message === "string" && message.includes("cached plan"))
  );
}

/**
 * Runs the statements the store repeats as named prepared statements: Postgres parses and plans a
 * batch statement once per connection instead of on every batch. A text becomes a prepared
 * statement on its second run; its name is a hash of its text, so two processes (or two stores on
 * one pool) that share a server connection through a pooler agree on what a name means.
 *
 * A statement the server no longer has (a pooler in transaction mode hands out other server
 * connections, or reset the session) turns preparing off for this pool; a plan that a migration
 * made stale stops that text being prepared. Either way the statement is run again unnamed when the
 * connection is not inside a transaction; inside one, the error reaches the transaction, which the
 * Postgres dialect runs again from the start.
 */
export function preparingPool(pool: PostgresPool): PostgresPool {
  const counted = new Map<string, number>();
  const names = new Map<string, string>();
  const unnamed = new Set<string>();
  const preparedOn = new WeakMap<object, Set<string>>();
  const wrappers = new WeakMap<object, PostgresPoolClient>();
  let enabled = true;

  const nameFor = (text: string): string | null => {
    if (!enabled || unnamed.has(text)) return null;
    const known = names.get(text);
    if (known) return known;
    const runs = (counted.get(text) ?? 0) + 1;
    if (runs < PREPARE_AFTER) {
      if (counted.size >= MAX_COUNTED) counted.clear();
      counted.set(text, runs);
      return null;
    }
    counted.delete(text);
    const name = `cadenza_${createHash("sha256").update(text).digest("base64url").slice(0, 27)}`;
    names.set(text, name);
    return name;
  };

  const wrap = (client: PgClient): PostgresPoolClient => {
    const prepared = preparedOn.get(client) ?? new Set<string>();
    preparedOn.set(client, prepared);
    const query = async (text: string, values: readonly unknown[]) => {
      const name = nameFor(text);
      if (name === null || (!prepared.has(name) && prepared.size >= MAX_PER_CONNECTION)) {
        return client.query(text, values);
      }
      prepared.add(name);
      try {
        return await client.query({ name, text, values: [...values] });
      } catch (error) {
        if (!isPreparedStatementError(error)) throw error;
        if ((error as { code?: unknown }).code === "26000") enabled = false;
        else unnamed.add(text);
        prepared.delete(name);
        if (client.getTransactionStatus?.() !== "I") throw error;
        return client.query(text, values);
      }
    };
    return {
      query: ((textOrCursor: unknown, values?: readonly unknown[]) =>
        typeof textOrCursor === "string"
          ? query(textOrCursor, values ?? [])
          : client.query(textOrCursor as never)) as PostgresPoolClient["query"],
      release: () => client.release(),
    };
  };

  return {
    async connect() {
      const client = (await pool.connect()) as unknown as PgClient;
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
