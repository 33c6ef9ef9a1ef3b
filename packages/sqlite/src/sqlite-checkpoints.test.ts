import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Store } from "@cadenza/core";
import { prospects } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { START_AFTER_COMMITS } from "./sqlite-checkpointer.js";
import type { SqliteDatabaseLike } from "./sqlite-database-like.js";
import { type SqliteStore, sqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-checkpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = new Date("2030-03-04T09:00:00.000Z");

/** `n` write transactions, one prospect each. */
async function commit(store: Store, n: number, from = 0) {
  for (let i = from; i < from + n; i++) {
    await store.upsertProspects(prospects(1, `p${i}-`), T0);
  }
}

async function until(what: () => boolean, ms = 10_000) {
  const deadline = performance.now() + ms;
  while (!what()) {
    if (performance.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const prospectsIn = (file: string) => {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare("select count(*) as n from prospects").get() as { n: number }).n;
  db.close();
  return n;
};

describe("SQLite checkpoints", () => {
  it("move to a thread once the store has committed enough, and stop with the store", async () => {
    const file = join(dir, "background.db");
    const db = new Database(file);
    const store: SqliteStore = sqliteStore(db as unknown as SqliteDatabaseLike, { migrate: true });
    await commit(store, 10);
    // A store that writes little starts no thread.
    expect(store.checkpoints()).toEqual({ mode: "inline", runs: 0 });
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);

    await commit(store, START_AFTER_COMMITS, 10);
    expect(store.checkpoints().mode).toBe("background");
    // The writer checkpoints itself only as a backstop now.
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(10_000);
    await until(() => store.checkpoints().runs > 0);
    await commit(store, 20, 10 + START_AFTER_COMMITS);

    await store.close();
    // The thread's connection closed with the store: the host's is the last, and closing it
    // checkpoints the rest and removes the log.
    expect(existsSync(`${file}-wal`)).toBe(true);
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(prospectsIn(file)).toBe(30 + START_AFTER_COMMITS);
  });

  it('stay in the writer\'s commits with `checkpoints: "inline"`', async () => {
    const file = join(dir, "inline.db");
    const db = new Database(file);
    const store = sqliteStore(db as unknown as SqliteDatabaseLike, { migrate: true, checkpoints: "inline" });
    await commit(store, START_AFTER_COMMITS + 20);
    expect(store.checkpoints()).toEqual({ mode: "inline", runs: 0 });
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await store.close();
    db.close();
    expect(prospectsIn(file)).toBe(START_AFTER_COMMITS + 20);
  });

  it("go back to the writer, with the reason, when the thread cannot open the file", async () => {
    const file = join(dir, "failing.db");
    const db = new Database(file);
    // The thread opens the file by the name the store is given: here one that does not exist.
    const misnamed = new Proxy(db, {
      get(target, key) {
        if (key === "name") return join(dir, "missing", "failing.db");
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as unknown as SqliteDatabaseLike;
    const store = sqliteStore(misnamed, { migrate: true });
    await commit(store, START_AFTER_COMMITS);
    await until(() => store.checkpoints().failure !== undefined);
    expect(store.checkpoints()).toMatchObject({ mode: "inline", runs: 0 });
    expect(store.checkpoints().failure).toMatch(/unable to open|directory does not exist|cannot open/i);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    // Writes go on as before.
    await commit(store, 5, START_AFTER_COMMITS);
    await store.close();
    db.close();
    expect(prospectsIn(file)).toBe(START_AFTER_COMMITS + 5);
  });

  it("refuse a mode they do not know, naming the option, before opening anything", () => {
    const file = join(dir, "never-opened.db");
    const error = (() => {
      try {
        sqliteStore(file, { checkpoints: "sometimes" as "inline" });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toMatchObject({ code: "VALIDATION", issues: [{ path: ["checkpoints"] }] });
    expect(existsSync(file)).toBe(false);
  });

  /** Runs `sqlite-host-process.ts` on a new file; resolves with what it printed once it exited. */
  async function hostProcess(name: string, ending: "open" | "close", thread = false) {
    const script = fileURLToPath(new URL("./sqlite-host-process.ts", import.meta.url));
    const file = join(dir, name);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--conditions=@cadenza/source",
        "--import",
        "tsx",
        script,
        file,
        ending,
        ...(thread ? ["thread"] : []),
      ],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 30_000 },
    );
    return { printed: JSON.parse(stdout) as { mode: string; runs: number; closed: boolean }, file };
  }

  it("never keep a host's process alive: a store left open still lets it exit", async () => {
    const { printed, file } = await hostProcess("unclosed.db", "open");
    expect(printed).toMatchObject({ mode: "background", closed: false });
    expect(printed.runs).toBeGreaterThan(0);
    expect(prospectsIn(file)).toBe(START_AFTER_COMMITS + 10);
  });

  it("let a close finish when nothing else keeps the host's process alive", async () => {
    // The thread is unref'd; waiting for it to stop must hold the process until it has.
    const { printed, file } = await hostProcess("closed.db", "close");
    expect(printed).toMatchObject({ mode: "background", closed: true });
    expect(printed.runs).toBeGreaterThan(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(prospectsIn(file)).toBe(START_AFTER_COMMITS + 10);
  });

  it("do the same for a store in a thread: the process waits for its answers, never for an idle thread", async () => {
    // Every write awaits the thread's answer with nothing else pending: the process must wait for it.
    const open = await hostProcess("thread-unclosed.db", "open", true);
    expect(open.printed).toMatchObject({ mode: "background", closed: false });
    expect(prospectsIn(open.file)).toBe(START_AFTER_COMMITS + 10);
    const closed = await hostProcess("thread-closed.db", "close", true);
    expect(closed.printed).toMatchObject({ mode: "background", closed: true });
    expect(existsSync(`${closed.file}-wal`)).toBe(false);
    expect(prospectsIn(closed.file)).toBe(START_AFTER_COMMITS + 10);
  });
});
