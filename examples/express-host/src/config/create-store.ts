import { mkdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Store } from "@cadenza/core";
import type { HostEnv } from "./host-config.js";

/** A store with what the host says about it. */
export interface HostStore {
  store: Store;
  /** `sqlite <file>` or `postgres <host/db>`: printed at start. */
  description: string;
  /** Applies pending migrations and answers the ones applied now. */
  migrate(): Promise<string[]>;
}

/**
 * The one place the host picks its store: Postgres when `DATABASE_URL` is set (in the schema
 * `DATABASE_SCHEMA`, default `cadenza`), otherwise the SQLite file `CADENZA_DB` (its folder is
 * created), with the store's connection in a worker thread. Both migrate on first use. Each adapter is imported only when chosen, so a SQLite host
 * never loads `pg` and the other way round.
 */
export async function createStore(env: HostEnv): Promise<HostStore> {
  if (env.DATABASE_URL) {
    const { postgresStore } = await import("@cadenza/postgres");
    const store = postgresStore(env.DATABASE_URL, { schema: env.DATABASE_SCHEMA, migrate: true });
    const url = new URL(env.DATABASE_URL);
    return {
      store,
      description: `postgres ${url.host}${url.pathname} (schema ${env.DATABASE_SCHEMA})`,
      migrate: async () => (await store.migrate()).applied,
    };
  }
  const file = resolve(env.CADENZA_DB);
  mkdirSync(dirname(file), { recursive: true });
  const { sqliteStore } = await import("@cadenza/sqlite");
  // In a thread: the host answers tracking requests while it dispatches and enrolls, and a store on
  // its own thread would hold its event loop for each statement (a large enrollment, seconds).
  const store = sqliteStore(file, { migrate: true, thread: true });
  const shown = relative(process.cwd(), file);
  return {
    store,
    description: `sqlite ${shown.startsWith("..") ? file : shown}`,
    migrate: async () => (await store.migrate()).applied,
  };
}
