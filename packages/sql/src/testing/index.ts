import { describe } from "vitest";
import type { SqlStoreSuiteOptions } from "./sql-store-harness.js";
import { audienceSuite } from "./suite-audience.js";
import { auditSuite } from "./suite-audit.js";
import { claimSuite } from "./suite-claims.js";
import { engagementSuite } from "./suite-engagements.js";
import { engineSuite } from "./suite-engine.js";
import { migrationSuite } from "./suite-migrations.js";
import { sendSuite } from "./suite-sends.js";

export * from "./fixtures.js";
export type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/**
 * Registers the tests every SQL store must pass (concurrency, fencing, counters, audit, errors).
 * Each adapter's test file builds its harness and calls this.
 *
 * ```ts
 * runSqlStoreSuite({ name: "sqlite", createHarness: () => sqliteHarness() });
 * ```
 */
export function runSqlStoreSuite(options: SqlStoreSuiteOptions): void {
  describe(`${options.name} SQL store`, () => {
    migrationSuite(options);
    audienceSuite(options);
    claimSuite(options);
    sendSuite(options);
    engagementSuite(options);
    auditSuite(options);
    engineSuite(options);
  });
}
