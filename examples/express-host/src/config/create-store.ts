import type { Store } from "@cadenza/core";
import type { HostEnv } from "./host-config.js";

/** A store with what the host says about it. */
export interface HostStore {
  store: Store;
  /** `memory`, `sqlite <file>` or `postgres <host/db>`: printed at start. */
  description: string;
  /** False when the data lives in this process only (a separate worker cannot share it). */
  shared: boolean;
  /** Applies pending migrations; a no-op for stores without them. */
  migrate(): Promise<void>;
}

/**
 * The one place the host picks its store. Until the SQL stores are available in this workspace the
 * host keeps its data in memory, in this process. The memory store is loaded from its own module:
 * `@cadenza/core/testing` also exports the conformance suite, which imports vitest, and vitest
 * refuses to load outside a test run.
 */
export async function createStore(_env: HostEnv): Promise<HostStore> {
  const { memoryStore } = await import("../../../../packages/core/src/testing/memory/memory-store.js");
  return {
    store: memoryStore(),
    description: "memory (data is lost on exit)",
    shared: false,
    migrate: async () => {},
  };
}
