import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import { withRowObjects } from "./sqlite-row-objects.js";
import { cachingPrepare } from "./sqlite-statement-cache.js";

const database = new Database(":memory:");
afterAll(() => database.close());
database.exec(`
  CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, r REAL, b BLOB, note TEXT);
  INSERT INTO t VALUES ('a', 1, 1.5, x'0102', null), ('b', null, -2.25, null, 'ünïcödé ✓'), ('c', 9007199254740991, 0, x'', '');
`);

/** The rows better-sqlite3 itself makes, from a statement of its own. */
const reference = (source: string, parameters: unknown[] = []) => database.prepare(source).all(parameters);
const built = (source: string, parameters: unknown[] = []) =>
  withRowObjects(database.prepare(source)).all(parameters);

describe("withRowObjects", () => {
  it("builds the rows better-sqlite3 builds, property for property and in the same order", () => {
    const sources = [
      "SELECT * FROM t ORDER BY id",
      "SELECT id, n AS count, note AS 'a name with spaces', r AS \"quo\"\"te\", b AS '∆' FROM t ORDER BY id",
      // Two columns of one name: the last wins, where the first stood.
      "SELECT id AS x, n AS y, note AS x FROM t ORDER BY id",
      // Names that are array indexes or Object.prototype members.
      "SELECT id AS '0', n AS '10', note AS 'constructor', r AS 'toString', b AS 'hasOwnProperty' FROM t",
      "SELECT * FROM t WHERE n > ?",
      "SELECT count(*) FROM t",
    ];
    for (const source of sources) {
      const mine = built(source, source.includes("?") ? [5] : []);
      const theirs = reference(source, source.includes("?") ? [5] : []);
      expect(mine, source).toEqual(theirs);
      expect(
        mine.map((row) => Object.keys(row as object)),
        source,
      ).toEqual(theirs.map((row) => Object.keys(row as object)));
      expect(
        mine.every((row) => Object.getPrototypeOf(row) === Object.prototype),
        source,
      ).toBe(true);
    }
  });

  it("returns an empty list for no rows and streams rows through iterate", () => {
    expect(built("SELECT * FROM t WHERE id = 'none'")).toEqual([]);
    const statement = withRowObjects(database.prepare("SELECT id, n FROM t ORDER BY id"));
    expect([...statement.iterate([])]).toEqual(reference("SELECT id, n FROM t ORDER BY id"));
  });

  it("returns the rows of RETURNING and runs statements that return none", () => {
    const insert = withRowObjects(database.prepare("INSERT INTO t (id, n) VALUES (?, ?) RETURNING id, n"));
    expect(insert.all(["d", 4])).toEqual([{ id: "d", n: 4 }]);
    const remove = withRowObjects(database.prepare("DELETE FROM t WHERE id = ?"));
    expect(remove.reader).toBe(false);
    expect(remove.run(["d"]).changes).toBe(1);
  });

  it("builds a column named __proto__ as better-sqlite3 does (a blob or null becomes the prototype)", () => {
    // A string is ignored by the setter; a blob becomes the row's prototype, a null makes it null.
    const shape = (row: object) => {
      const proto: unknown = Object.getPrototypeOf(row);
      return {
        own: Object.entries(row),
        proto:
          proto === null
            ? "null"
            : proto === Object.prototype
              ? "Object.prototype"
              : Buffer.isBuffer(proto)
                ? `Buffer ${proto.toString("hex")}`
                : "other",
      };
    };
    for (const source of [
      "SELECT id AS '__proto__', n FROM t ORDER BY id",
      "SELECT b AS '__proto__', n FROM t ORDER BY id",
    ]) {
      const mine = built(source) as object[];
      const theirs = reference(source) as object[];
      expect(mine.map(shape), source).toEqual(theirs.map(shape));
    }
    expect(
      (built("SELECT b AS '__proto__' FROM t ORDER BY id") as object[]).map((row) => shape(row).proto),
    ).toEqual(["Buffer 0102", "null", "Buffer "]);
  });

  it("builds the same rows where code cannot be generated from strings", () => {
    const source = "SELECT id AS x, n AS y, note AS x, * FROM t ORDER BY id";
    vi.stubGlobal("Function", () => {
      throw new EvalError("Code generation from strings disallowed for this context");
    });
    try {
      const mine = built(source);
      expect(mine).toEqual(reference(source));
      expect(mine.map((row) => Object.keys(row as object))).toEqual(
        reference(source).map((row) => Object.keys(row as object)),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("leaves a statement without raw rows as it is", () => {
    const plain = {
      reader: true,
      all: () => [{ a: 1 }],
      run: () => ({ changes: 0, lastInsertRowid: 0 }),
      iterate: () => [][Symbol.iterator](),
    };
    expect(withRowObjects(plain)).toBe(plain);
  });

  it("follows a cached `select *` across a column added after it was prepared", () => {
    const own = new Database(":memory:");
    try {
      own.exec("CREATE TABLE s (id TEXT, a INTEGER); INSERT INTO s VALUES ('x', 1)");
      const prepare = cachingPrepare((source) => own.prepare(source));
      expect(prepare("SELECT * FROM s").all([])).toEqual([{ id: "x", a: 1 }]);
      own.exec("ALTER TABLE s ADD COLUMN c TEXT DEFAULT 'new'");
      expect(prepare("SELECT * FROM s").all([])).toEqual([{ id: "x", a: 1, c: "new" }]);
    } finally {
      own.close();
    }
  });
});
