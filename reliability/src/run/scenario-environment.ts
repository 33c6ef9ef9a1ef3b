import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DispatchSettings } from "@cadenza/core";
import pg from "pg";
import { readSinkLog } from "../sink/sink-log.js";
import type { SinkFaults } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { readSnapshot } from "../stores/store-snapshot.js";
import { type RunVerdict, verifyRun } from "../verify/verify-run.js";
import type { StoreTarget } from "../worker/worker-config.js";
import { type SinkProcess, startSinkProcess } from "./child-processes.js";
import type { SeededCampaign } from "./seed-campaigns.js";

/** The server the Postgres scenarios use: DATABASE_URL, else the local test database. */
export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Dispatch settings that make a run take seconds: short leases, retries and polls. */
export const FAST_DISPATCH: Partial<DispatchSettings> = {
  batchSize: 20,
  // The engine's default: a killed worker may leave this many batches unknown.
  batchesInFlight: 2,
  leaseMs: 3000,
  pollIntervalMs: 250,
  concurrency: 8,
  maxSoftAttempts: 4,
  softRetryBaseMs: 200,
  softRetryMaxMs: 1000,
  transportRetryMs: 400,
  senderHoldBaseMs: 200,
  senderHoldMaxMs: 2000,
  followUpJitterMs: 0,
};

/** One scenario's store, sink log and scratch directory, and how to tear them down. */
export interface ScenarioEnvironment {
  target: StoreTarget;
  dir: string;
  sinkLog: string;
  startSink(faults: SinkFaults): Promise<SinkProcess>;
  /** Reads the store, the sink log, the audit and the counters, and checks them. */
  verify(campaigns: readonly SeededCampaign[]): Promise<RunVerdict>;
  dispose(): Promise<void>;
}

/** Whether the Postgres server answers. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated store of `kind` (its own Postgres schema or SQLite file) and a scratch directory. */
export async function createScenarioEnvironment(
  name: string,
  kind: "postgres" | "sqlite",
  pool: "host" | "store" = "host",
): Promise<ScenarioEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), `cadenza-reliability-${name}-`));
  const target: StoreTarget =
    kind === "postgres"
      ? { kind, url: POSTGRES_URL, schema: `cadenza_rel_${randomBytes(4).toString("hex")}`, pool }
      : { kind, file: join(dir, "cadenza.db") };
  const store = openStore(target);
  await store.migrate();
  await store.close();
  const sinkLog = join(dir, "sink.log");
  return {
    target,
    dir,
    sinkLog,
    startSink: (faults) => startSinkProcess(sinkLog, faults),
    async verify(campaigns) {
      const store = openStore(target);
      try {
        const audit = await store.audit({ now: new Date() });
        const counters = await Promise.all(campaigns.map((c) => store.getCounters(c.id)));
        return verifyRun({
          campaigns,
          snapshot: await readSnapshot(target),
          sink: readSinkLog(sinkLog),
          audit,
          counters,
        });
      } finally {
        await store.close();
      }
    },
    async dispose() {
      if (target.kind === "postgres" && !process.env.CADENZA_RELIABILITY_KEEP) {
        await dropSchema(target.schema).catch(() => undefined);
      }
      if (!process.env.CADENZA_RELIABILITY_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
