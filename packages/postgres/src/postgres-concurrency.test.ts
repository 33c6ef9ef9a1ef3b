import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Cadenza, createCadenza, type Store } from "@cadenza/core";
import { FakeClock, recordingTransport, seededRandom, sequentialIds } from "@cadenza/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

const LEADS = 5_000;
const DAILY_LIMIT = 3_000;
// Monday 2 March 2026, 10:00 UTC: inside the campaign's window.
const MONDAY = "2026-03-02T10:00:00.000Z";

/** Creates the campaign (three steps, a day apart, daily limit 3,000), its 5,000 leads, and activates it. */
async function seedCampaign(engine: Cadenza): Promise<string> {
  const campaign = await engine.campaigns.create({
    name: "Concurrency",
    dailyLimit: DAILY_LIMIT,
    timezone: "UTC",
    steps: [
      { stepNumber: 1, variantA: { subject: "A question for {{company}}", body: "Hi there" } },
      { stepNumber: 2, delayDays: 1, variantA: { subject: "", body: "Following up." } },
      { stepNumber: 3, delayDays: 1, variantA: { subject: "Last note", body: "Closing the loop." } },
    ],
  });
  await engine.prospects.upsert(
    Array.from({ length: LEADS }, (_, i) => ({ email: `gm${i}@hotel${i}.example`, company: `Hotel ${i}` })),
  );
  const enrolled = await engine.audience.enroll(campaign.id, { filter: {}, variant: "A" });
  expect(enrolled.added).toBe(LEADS);
  await engine.campaigns.activate(campaign.id);
  return campaign.id;
}

/** Every outbound record of a campaign, paged. */
async function outboundRecords(store: Store, campaignId: string) {
  const all = [];
  for (let offset = 0; ; offset += 5_000) {
    const page = await store.listEmails({ campaignId, limit: 5_000, offset });
    all.push(...page);
    if (page.length < 5_000) break;
  }
  return all.filter((e) => e.direction === "outbound");
}

/** The checks both tests end with: counters equal the records, one record per (lead, step), a clean audit. */
async function expectConsistent(store: ReturnType<typeof postgresStore>, campaignId: string, now: Date) {
  const records = await outboundRecords(store, campaignId);
  const counters = await store.getCounters(campaignId);
  expect(counters.emailsSent).toBe(records.length);
  const keys = records.map((e) => `${e.leadId}:${e.stepNumber}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(await store.audit({ now })).toEqual([]);
  return records;
}

// A dispatcher process: the real engine on its own pool, a fixed clock, a transport that accepts at
// once and remembers what it was given. It waits at a barrier, ticks until a tick claims nothing,
// and prints the idempotency keys it sent.
const PROCESS_WORKER = `
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createCadenza } from "@cadenza/core";
import { postgresStore } from ${JSON.stringify(pathToFileURL(fileURLToPath(new URL("./postgres-store.ts", import.meta.url))).href)};
const [url, schema, at, barrier, workers] = process.argv.slice(1);
const store = postgresStore(url, { schema, maxConnections: 3 });
const keys = [];
const clock = { now: () => new Date(at), sleep: async () => undefined };
let n = 0;
const engine = createCadenza({
  store,
  clock,
  random: { next: () => 0.5 },
  ids: { id: () => crypto.randomUUID(), token: () => crypto.randomUUID() },
  sender: { name: "Ana", email: "ana@sender.test" },
  transport: { name: "accept", send: async (m) => { keys.push(m.idempotencyKey); return { status: "accepted", response: "250 OK" }; } },
  dispatch: { batchSize: 50 },
  onError: (e) => { throw e; },
});
writeFileSync(join(barrier, String(process.pid)), "");
while (readdirSync(barrier).length < Number(workers)) await sleep(5);
for (;;) {
  const report = await engine.dispatch.tick();
  if (report.claimed === 0) break;
}
await store.close();
process.stdout.write(JSON.stringify(keys));
`;

if (await postgresReachable()) {
  const schemas: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "cadenza-postgres-concurrency-"));
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
    rmSync(dir, { recursive: true, force: true });
  });

  describe("postgresStore under concurrent dispatchers", () => {
    it("four engines on four pools send each (lead, step) once and never pass the daily limit", async () => {
      const schema = testSchemaName();
      schemas.push(schema);
      const clock = new FakeClock(MONDAY);
      const stores = Array.from({ length: 4 }, () =>
        postgresStore(TEST_DATABASE_URL, { schema, maxConnections: 3 }),
      );
      await stores[0]!.migrate();
      const transports = stores.map(() => recordingTransport());
      const engines = stores.map((store, i) =>
        createCadenza({
          store,
          transport: transports[i]!,
          clock,
          random: seededRandom(i + 1),
          ids: sequentialIds(0xa0 + i),
          sender: { name: "Ana", email: "ana@sender.test" },
          dispatch: { batchSize: 50 },
          onError: (error) => {
            throw error;
          },
        }),
      );
      const campaignId = await seedCampaign(engines[0]!);

      const sentOn: Record<string, number> = {};
      for (const day of ["2026-03-02", "2026-03-03"]) {
        const before = transports.reduce((n, t) => n + t.sent.length, 0);
        for (;;) {
          const reports = await Promise.all(engines.map((e) => e.dispatch.tick()));
          if (reports.every((r) => r.claimed === 0)) break;
        }
        sentOn[day] = transports.reduce((n, t) => n + t.sent.length, 0) - before;
        clock.advance(24 * 3_600_000);
      }

      const keys = transports.flatMap((t) => t.sent.map((m) => m.idempotencyKey));
      expect(new Set(keys).size).toBe(keys.length);
      // Day 1: 3,000 first steps. Day 2: the other 2,000 first steps and 1,000 second steps.
      expect(sentOn).toEqual({ "2026-03-02": DAILY_LIMIT, "2026-03-03": DAILY_LIMIT });
      expect(transports.every((t) => t.sent.length > 0)).toBe(true);
      expect(await stores[0]!.getQuotaUsage(`campaign:${campaignId}`, "2026-03-02")).toBe(DAILY_LIMIT);
      const records = await expectConsistent(stores[0]!, campaignId, clock.now());
      expect(records).toHaveLength(keys.length);
      for (const store of stores) await store.close();
    }, 180_000);

    it("four processes on one schema send each (lead, step) once within the daily limit", async () => {
      const schema = testSchemaName();
      schemas.push(schema);
      const store = postgresStore(TEST_DATABASE_URL, { schema, maxConnections: 4 });
      await store.migrate();
      const setup = createCadenza({
        store,
        transport: recordingTransport(),
        clock: new FakeClock(MONDAY),
        random: seededRandom(9),
        ids: sequentialIds(0xb0),
        sender: { name: "Ana", email: "ana@sender.test" },
      });
      const campaignId = await seedCampaign(setup);
      const barrier = mkdtempSync(join(dir, "barrier-"));
      const run = promisify(execFile);
      const outputs = await Promise.all(
        [1, 2, 3, 4].map(() =>
          run(
            process.execPath,
            [
              "--conditions=@cadenza/source",
              "--import",
              "tsx",
              "--input-type=module",
              "-e",
              PROCESS_WORKER,
              TEST_DATABASE_URL,
              schema,
              MONDAY,
              barrier,
              "4",
            ],
            {
              cwd: fileURLToPath(new URL("..", import.meta.url)),
              timeout: 120_000,
              maxBuffer: 16 * 1024 * 1024,
            },
          ),
        ),
      );
      const perProcess = outputs.map((o) => JSON.parse(o.stdout) as string[]);
      const keys = perProcess.flat();
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(DAILY_LIMIT);
      expect(perProcess.filter((k) => k.length > 0).length).toBeGreaterThan(1);
      expect(await store.getQuotaUsage(`campaign:${campaignId}`, "2026-03-02")).toBe(DAILY_LIMIT);
      const records = await expectConsistent(store, campaignId, new Date(MONDAY));
      expect(records).toHaveLength(DAILY_LIMIT);
      await store.close();
    }, 180_000);
  });
} else {
  describeUnreachable("postgresStore under concurrent dispatchers");
}
