import { performance } from "node:perf_hooks";
import pg from "pg";
import { type QueryCount, type StatementTally, statementTally } from "./statement-tally.js";

/**
 * Counts every statement sent through `pg` in this process, by its first words, with its round-trip
 * time: how to see what a store does per email. Only for diagnosis (`--count-queries`): it wraps
 * `pg.Client.prototype.query`.
 */
export function installQueryCounter(): Pick<StatementTally, "reset" | "counts"> {
  const tally = statementTally();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: unknown,
    ...args: unknown[]
  ) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === "string" ? first : (first?.text ?? "?");
    const started = performance.now();
    const result = original.apply(this, args);
    const done = () => tally.add(text, performance.now() - started);
    if (result instanceof Promise) result.then(done, done);
    return result;
  };
  return tally;
}

/** Prints counted statements per unit of work (`per` emails or requests), busiest first. */
export function printQueryCounts(label: string, queries: QueryCount[], per: number, unit: string): void {
  const calls = queries.reduce((sum, q) => sum + q.calls, 0);
  const ms = queries.reduce((sum, q) => sum + q.ms, 0);
  console.log(
    `  ${label}: ${calls} statements, ${(calls / per).toFixed(2)} per ${unit}, ${ms.toFixed(0)} ms waiting on them`,
  );
  for (const q of queries.slice(0, 25)) {
    console.log(`    ${String(q.calls).padStart(7)} ${q.ms.toFixed(0).padStart(7)} ms  ${q.statement}`);
  }
}
