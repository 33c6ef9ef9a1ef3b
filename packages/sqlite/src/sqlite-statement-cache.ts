import type { SqliteDatabase } from "kysely";

const SIZE = 200;

/**
 * Keeps the last `SIZE` prepared statements by their SQL text: Kysely prepares every query it runs,
 * and the store's batch statements keep one text whatever the batch size (rows travel as one JSON
 * value), so a dispatch loop compiles each of them once. better-sqlite3 runs one statement at a time
 * on a connection, and the store never streams, so a statement is never in use twice at once.
 */
export function cachingPrepare(prepare: SqliteDatabase["prepare"]): SqliteDatabase["prepare"] {
  const cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  return (source) => {
    const hit = cache.get(source);
    if (hit) {
      // Most recently used last, so the oldest is the first key.
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
    const statement = prepare(source);
    cache.set(source, statement);
    if (cache.size > SIZE) cache.delete(cache.keys().next().value!);
    return statement;
  };
}
