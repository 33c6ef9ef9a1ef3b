import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How the write-ahead log of a SQLite store is checkpointed into the database file. */
export type SqliteCheckpoints = "background" | "inline";

/** What the store has done about checkpoints so far (`store.checkpoints()`). */
export interface SqliteCheckpointStats {
  /**
   * `background` once the checkpoint thread runs; `inline` before it starts, when the store was
   * opened with `checkpoints: "inline"`, for in-memory databases, and after the thread failed.
   */
  mode: SqliteCheckpoints;
  /** Checkpoints the thread has run. */
  runs: number;
  /** Why the thread stopped, if it failed (the store went back to inline checkpoints). */
  failure?: string;
}

/** Commits before the thread starts: a store that writes little never starts one. */
export const START_AFTER_COMMITS = 64;
/** The writer's own threshold while the thread runs: a backstop if the thread falls behind. */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's default `wal_autocheckpoint`, restored if the thread fails. */
const INLINE_PAGES = 1_000;
/** The least time between two checkpoints of the thread, in ms. */
const INTERVAL_MS = 100;

// Slots of the shared Int32Array.
const COMMITS = 0;
const STOP = 1;
const RUNS = 2;

/**
 * The thread's whole program (CommonJS, run with `eval`): its own connection to the file, woken by
 * the store's commits, running a PASSIVE checkpoint at most every `interval` ms. A PASSIVE
 * checkpoint takes no lock a writer or reader waits on: it copies the frames no reader still needs
 * and leaves the rest for the next one.
 */
const PROGRAM = `
const { workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const Database = require(workerData.driver);
const shared = new Int32Array(workerData.shared);
const db = new Database(workerData.file, { fileMustExist: true });
try {
  db.pragma("synchronous = NORMAL");
  // Commits made while the thread started count: the first wait returns at once if there were any.
  let seen = 0;
  let last = -Infinity;
  while (Atomics.load(shared, ${STOP}) === 0) {
    Atomics.wait(shared, ${COMMITS}, seen);
    const rest = last + workerData.interval - performance.now();
    if (rest > 0) Atomics.wait(shared, ${STOP}, 0, rest);
    if (Atomics.load(shared, ${STOP}) !== 0) break;
    seen = Atomics.load(shared, ${COMMITS});
    db.pragma("wal_checkpoint(PASSIVE)");
    Atomics.add(shared, ${RUNS}, 1);
    last = performance.now();
  }
} finally {
  db.close();
}
`;

/** A store's checkpoint thread, started once the store has committed enough to be worth it. */
export interface Checkpointer {
  /** Called after every commit of the store's write transactions. */
  committed(): void;
  stats(): SqliteCheckpointStats;
  /** Stops the thread and closes its connection (before the store closes its own, so that the last connection to close removes the log). */
  stop(): Promise<void>;
}

/**
 * Checkpoints `file`'s write-ahead log from a worker thread with its own connection, so the writer's
 * commits never wait for a checkpoint (copying pages into the database file and two `fsync`s).
 * SQLite runs a checkpoint in the commit that takes the log past `wal_autocheckpoint` pages; once
 * the thread runs, the writer's threshold is raised to `BACKSTOP_PAGES`, so it checkpoints itself
 * only if the thread falls behind, and is set back if the thread fails.
 *
 * @param setAutocheckpoint sets the writer connection's `wal_autocheckpoint`
 */
export function backgroundCheckpointer(
  file: string,
  setAutocheckpoint: (pages: number) => void,
): Checkpointer {
  const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  let commits = 0;
  let worker: Worker | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;
  let failure: string | undefined;

  const fail = (reason: string) => {
    if (failure !== undefined || stopped) return;
    failure = reason;
    worker = null;
    try {
      setAutocheckpoint(INLINE_PAGES);
    } catch {
      // The writer is closed: nothing left to checkpoint.
    }
  };

  const start = () => {
    let driver: string;
    try {
      driver = createRequire(import.meta.url).resolve("better-sqlite3");
    } catch (error) {
      failure = `better-sqlite3 cannot be loaded in a worker thread: ${(error as Error).message}`;
      return;
    }
    const started = new Worker(PROGRAM, {
      eval: true,
      workerData: { driver, file, shared: shared.buffer, interval: INTERVAL_MS },
    });
    // The thread never keeps the host's process alive: an unclosed store still lets it exit.
    started.unref();
    exited = new Promise((resolve) => {
      started.once("error", (error) => fail(error.message));
      started.once("exit", (code) => {
        if (!stopped) fail(`the checkpoint thread exited with code ${code}`);
        resolve();
      });
    });
    worker = started;
    setAutocheckpoint(BACKSTOP_PAGES);
  };

  return {
    committed() {
      if (stopped || failure !== undefined) return;
      commits += 1;
      if (worker === null) {
        if (commits < START_AFTER_COMMITS) return;
        start();
      }
      Atomics.add(shared, COMMITS, 1);
      Atomics.notify(shared, COMMITS);
    },
    stats() {
      // A failure clears `worker`: a thread is there only while it runs.
      return {
        mode: worker !== null ? "background" : "inline",
        runs: Atomics.load(shared, RUNS),
        ...(failure === undefined ? {} : { failure }),
      };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Unref'd, the thread would not hold the process while it stops: with nothing else pending,
      // the host's `await store.close()` would end the process instead of returning.
      worker?.ref();
      Atomics.store(shared, STOP, 1);
      Atomics.notify(shared, COMMITS);
      Atomics.notify(shared, STOP);
      await exited;
      worker = null;
    },
  };
}
