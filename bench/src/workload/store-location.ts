import type { Store } from "@cadenza/core";

/** Where a benchmark's Cadenza store lives; plain data, so it can be handed to a child process. */
export type StoreLocation =
  | { kind: "sqlite"; file: string; thread?: boolean }
  | { kind: "postgres"; url: string; schema: string };

/**
 * Opens the store at `location` as a host would, migrating it if it is new. Only that store's package
 * (and its driver) is loaded: a SQLite process holds no Postgres code, as a SQLite host would not.
 */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.kind === "sqlite") {
    const { sqliteStore } = await import("@cadenza/sqlite");
    return sqliteStore(location.file, { migrate: true, thread: location.thread ?? false });
  }
  const { postgresStore } = await import("@cadenza/postgres");
  return postgresStore(location.url, { schema: location.schema, migrate: true });
}
