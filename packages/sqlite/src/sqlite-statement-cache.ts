import type { SqliteDatabase } from "kysely";
import { withRowObjects } from "./sqlite-row-objects.js";

const SIZE = 200;

/**
 * Keeps the last `SIZE` prepared statements by their SQL text: Kysely prepares every query it runs,
 * and a batch statement's text depends only on its shape (the columns, and the number of rows its
 * `VALUES` list carries), so a dispatch loop compiles each of them once per batch size. better-sqlite3
 * runs one statement at a time on a connection, and the store never streams, so a statement is never
 * in use twice at once. Statements returning rows build them as `withRowObjects` does.
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
    const statement = withRowObjects(prepare(source));
    cache.set(source, statement);
    if (cache.size > SIZE) cache.delete(cache.keys().next().value!);
    return statement;
  };
}
