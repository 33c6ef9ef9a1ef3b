import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../demo/api-client.js";
import { readHostEnv } from "./config/host-config.js";
import { type RunningHost, startHost } from "./host/start-host.js";
import { playAuditCampaign } from "./testing/audit-campaign-flow.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const API_KEY = "pg-e2e-api-key-0123456789";
const START = "2026-01-05T08:00:00Z";
// Each run its own schema, so test files and runs never see each other's data.
const SCHEMA = `cadenza_host_${randomBytes(5).toString("hex")}`;

async function query(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function reachable(): Promise<boolean> {
  try {
    await query("select 1");
    return true;
  } catch (error) {
    if (process.env.CI === "true")
      throw new Error(`Postgres is not reachable at ${DATABASE_URL}`, { cause: error });
    console.warn(`\n  SKIPPING the host's Postgres test: no server at ${DATABASE_URL}\n`);
    return false;
  }
}

const available = await reachable();

describe.skipIf(!available)("the host on Postgres (DATABASE_URL)", () => {
  let host: RunningHost;

  beforeAll(async () => {
    host = await startHost(
      readHostEnv({
        NODE_ENV: "test",
        PORT: "0",
        DATABASE_URL,
        DATABASE_SCHEMA: SCHEMA,
        CADENZA_API_KEY: API_KEY,
        CADENZA_SECRET: "pg-e2e-tracking-secret-0123456789abcdef",
        CADENZA_FAKE_CLOCK: START,
        SENDER_EMAIL: "ana@outreach.example",
        SENDER_NAME: "Ana",
      }),
      () => {},
    );
  });

  afterAll(async () => {
    await host?.close();
    await query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  });

  it("runs the audit's campaign end to end, with the data in its own schema", async () => {
    const api = apiClient(host.url, API_KEY);
    expect((await api.get<{ store: string }>("/api/info")).body.store).toContain(`schema ${SCHEMA}`);
    await playAuditCampaign(api, host.url, API_KEY, START);
    const counts = await query(`SELECT count(*)::int AS n FROM "${SCHEMA}".emails`);
    expect(counts.rows[0].n).toBeGreaterThanOrEqual(18);
  });

  it("answers ids that are not UUIDs with 404, not a database error", async () => {
    const api = apiClient(host.url, API_KEY);
    expect((await api.get("/api/outreach/campaigns/not-a-uuid")).status).toBe(404);
    expect((await api.get("/api/prospects/not-a-uuid")).status).toBe(404);
  });
});
