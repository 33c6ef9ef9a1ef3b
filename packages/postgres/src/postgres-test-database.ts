import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, it } from "vitest";

/** The server the tests use: DATABASE_URL, else the local test database. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh schema name for one test's data. */
export function testSchemaName(): string {
  return `cadenza_test_${randomBytes(5).toString("hex")}`;
}

/** A Postgres identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs statements on the test server with `search_path` set to `schema`. */
export async function runSql(schema: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export function dropSchema(schema: string): Promise<void> {
  return runSql("public", `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/**
 * Whether the test server answers. When it does not, Postgres tests fail under `CI=true` and are
 * skipped (with a warning) elsewhere.
 */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (error) {
    if (process.env.CI === "true") {
      throw new Error(`Postgres is not reachable at ${TEST_DATABASE_URL} and CI=true`, { cause: error });
    }
    console.warn(`\n  SKIPPING Postgres tests: no server at ${TEST_DATABASE_URL} (${String(error)})\n`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Registers one skipped test that says why, so a skip shows in the report. */
export function describeUnreachable(name: string): void {
  describe.skip(name, () => {
    it(`needs Postgres at ${TEST_DATABASE_URL}`, () => undefined);
  });
}

/** One statement a pool's connection sent: its text and parameters. */
export interface SentStatement {
  text: string;
  values: unknown[];
}

/** Calls `record` with every statement any connection of `pool` sends, in order, before sending it. */
export function recordStatements(pool: pg.Pool, record: (statement: SentStatement) => void): void {
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown[]?];
      record(
        typeof first === "string"
          ? { text: first, values: second ?? [] }
          : { text: first.text, values: first.values ?? second ?? [] },
      );
      return query(...args);
    };
  });
}
