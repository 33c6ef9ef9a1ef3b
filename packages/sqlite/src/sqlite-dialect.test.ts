import type { CadenzaDatabase } from "@cadenza/sql";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteDialect } from "./sqlite-dialect.js";

const database = new Database(":memory:");
const db = new Kysely<CadenzaDatabase>({ dialect: new SqliteDialect({ database }) });
afterAll(() => db.destroy());
const dialect = sqliteDialect(":memory:", "memory:dialect-test");

describe("sqliteDialect.jsonRows", () => {
  it("reads back every row and value, whatever the list's shape, past the shapes it remembers", async () => {
    // 1 to 80 rows of one column and of four: 160 shapes, more than the 64 it keeps.
    for (let count = 1; count <= 80; count++) {
      const ids = Array.from({ length: count }, (_, i) => ({ id: `id-${count}-${i}` }));
      const one = await db
        .selectFrom(dialect.jsonRows(ids, { id: "text" }).as("v"))
        .selectAll()
        .execute();
      expect(one).toEqual(ids);
      const rows = Array.from({ length: count }, (_, i) => ({
        id: `row-${i}`,
        n: i % 3 === 0 ? null : i,
        sent: i % 2 === 0,
        at: new Date(Date.UTC(2030, 2, 4, 9, 0, i)),
      }));
      const read = await db
        .selectFrom(dialect.jsonRows(rows, { id: "text", n: "int", sent: "bool", at: "time" }).as("v"))
        .selectAll()
        .execute();
      expect(read).toEqual(
        rows.map((r) => ({ id: r.id, n: r.n, sent: r.sent ? 1 : 0, at: r.at.toISOString() })),
      );
    }
  });
});
