/**
 * One writer at a time per database file within this process. better-sqlite3 is synchronous: if a
 * second connection in the same process ran `BEGIN IMMEDIATE` while the first holds the write lock
 * between two awaits, its busy handler would block the event loop, so the first could never commit.
 * Writers of one file therefore queue here first; other processes are kept out by SQLite's own lock
 * and `busy_timeout`.
 */
const tails = new Map<string, Promise<void>>();

/** Runs `fn` once every earlier writer of `key` in this process has finished. */
export async function withWriteLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
