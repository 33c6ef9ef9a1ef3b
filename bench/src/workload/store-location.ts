import type { Store } from "@cadenza/core";
import { postgresStore } from "@cadenza/postgres";
import { sqliteStore } from "@cadenza/sqlite";

/** Where a benchmark's Cadenza store lives; plain data, so it can be handed to a child process. */
export type StoreLocation =
  | { kind: "sqlite"; file: string }
  | { kind: "postgres"; url: string; schema: string };

/** Opens the store at `location` as a host would, migrating it if it is new. */
export function openStore(location: StoreLocation): Store {
  return location.kind === "sqlite"
    ? sqliteStore(location.file, { migrate: true })
    : postgresStore(location.url, { schema: location.schema, migrate: true });
}
