import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { type StatementTally, statementTally } from "./statement-tally.js";

type Run = (this: { source: string }, ...args: unknown[]) => unknown;

/**
 * Counts every statement better-sqlite3 runs in this process (`run`, `get`, `all`; `iterate` until
 * its iterator is created), by its first words, with the time it took: what the SQLite store does
 * per email. Statements run synchronously, so each time is the statement's own; a `COMMIT` is listed
 * under the first statement of its transaction. Only for diagnosis (`--count-queries`): it wraps the
 * methods of better-sqlite3's `Statement` prototype.
 */
export function installSqliteQueryCounter(): Pick<StatementTally, "reset" | "counts"> {
  const tally = statementTally();
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, Run>;
  probe.close();
  // A commit is tallied under the first statement of its transaction, so each transaction's
  // commit cost (its pages written to the WAL, and any checkpoint it triggers) shows on its own.
  let opening: string | null = null;
  let inTransaction = false;
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = prototype[method]!;
    prototype[method] = function (this: { source: string }, ...args: unknown[]) {
      const source = this.source;
      const word = source.trimStart().slice(0, 6).toLowerCase();
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        if (word === "begin ") {
          inTransaction = true;
          opening = null;
          tally.add(source, ms);
        } else if (word === "commit" && inTransaction) {
          tally.add(`commit of: ${opening ?? "(empty)"}`, ms);
          inTransaction = false;
        } else {
          if (inTransaction && opening === null) opening = source;
          if (word === "rollba") inTransaction = false;
          tally.add(source, ms);
        }
      }
    };
  }
  return tally;
}
