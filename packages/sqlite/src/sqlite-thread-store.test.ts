import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { CadenzaError, createCadenza, type EnrollRequest, isCadenzaError } from "@cadenza/core";
import { FakeClock, recordingTransport, seededRandom, sequentialIds } from "@cadenza/core/testing";
import { newCampaign, prospects, T0 } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { turnsDuring } from "./sqlite-loop-turns.js";
import { type SqliteStore, sqliteStore } from "./sqlite-store.js";
import { fromWire, toWire } from "./sqlite-thread-protocol.js";
import { threadStore } from "./sqlite-thread-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened) await store.close();
  opened = [];
});
let files = 0;
function open(options: Parameters<typeof sqliteStore>[1] = {}, file = join(dir, `t${++files}.db`)) {
  const store = sqliteStore(file, { migrate: true, thread: true, ...options });
  opened.push(store);
  return { store, file };
}

/** Settles `promise` and returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function enrollAll(campaignId: string, newId: () => string): EnrollRequest {
  return {
    campaignId,
    filter: { tagsMatch: "all", archived: false },
    rules: {},
    variant: null,
    mailboxIds: [],
    addedBy: "import",
    firstEmailAt: T0,
    now: T0,
    newId,
  };
}

describe("sqliteStore with thread: true", () => {
  it("answers as the store on the host's thread does: Maps, Sets, Dates and all", async () => {
    const { store, file } = open();
    const clock = new FakeClock("2026-03-02T10:00:00Z");
    const cadenza = createCadenza({
      store,
      transport: recordingTransport(),
      clock,
      random: seededRandom(5),
      ids: sequentialIds(0xd4),
      sender: { name: "Ana", email: "ana@sender.test" },
      tracking: { baseUrl: "https://t.sender.test/t", secrets: ["a-test-secret-that-is-long-enough-0123"] },
      onError: (error) => {
        throw error;
      },
    });
    const mailbox = await cadenza.mailboxes.save({ fromName: "Ana", fromEmail: "ana@one.test" });
    const campaign = await cadenza.campaigns.create({
      name: "Threads",
      mailboxIds: [mailbox.id],
      steps: [
        { stepNumber: 1, variantA: { subject: "Hello {{company}}", body: "Hi {{first_name}}" } },
        // No subject: sent as a reply in the first step's thread (the store's getThreads).
        { stepNumber: 2, delayDays: 1, variantA: { subject: "", body: "Following up." } },
      ],
    });
    await cadenza.prospects.upsert(
      Array.from({ length: 6 }, (_, i) => ({
        email: `p${i}@example.com`,
        firstName: `P${i}`,
        company: `H${i}`,
      })),
    );
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    await store.suppress([{ email: "p5@example.com", reason: "complaint", campaignId: null, createdAt: T0 }]);
    for (let day = 0; day < 3; day++) {
      for (let tick = 0; tick < 6; tick++) await cadenza.dispatch.tick();
      clock.advance(24 * 3_600_000);
    }

    const inline = sqliteStore(file);
    opened.push(inline);
    const leads = await inline.listLeads(campaign.id, { limit: 100, offset: 0 });
    const leadIds = leads.map((l) => l.id);
    const emails = await inline.listEmails({ campaignId: campaign.id, limit: 100, offset: 0 });
    // The workload did what the reads below compare: follow-ups in threads, a suppressed address.
    expect(emails.filter((e) => e.stepNumber === 2)).toHaveLength(5);
    const threads = await store.getThreads(leadIds);
    expect(threads).toBeInstanceOf(Map);
    expect(threads).toEqual(await inline.getThreads(leadIds));
    const suppressed = await store.findSuppressed(["p5@example.com", "p1@example.com"]);
    expect(suppressed).toEqual(new Set(["p5@example.com"]));
    expect(await store.listEmails({ campaignId: campaign.id, limit: 100, offset: 0 })).toEqual(emails);
    expect(emails[0]?.createdAt).toBeInstanceOf(Date);
    expect(await store.findLead(campaign.id, leads[0]!.prospectId)).toEqual(leads[0]);
    expect(await store.getMailbox(mailbox.id)).toEqual(await inline.getMailbox(mailbox.id));
    expect(await store.listMailboxes()).toEqual(await inline.listMailboxes());
    expect(await store.getCounters(campaign.id)).toEqual(await inline.getCounters(campaign.id));
    const range = { fromDay: "2026-03-01", toDay: "2026-03-06" };
    expect(await store.getDailyActivity(campaign.id, range)).toEqual(
      await inline.getDailyActivity(campaign.id, range),
    );
    const events = { campaignId: campaign.id, limit: 1000 };
    expect(await store.listEvents(events)).toEqual(await inline.listEvents(events));
    expect(await store.audit({ now: clock.now() })).toEqual([]);
  });

  it("takes an enrollment's lead ids from the host's id function, in one message, in order", async () => {
    const { store } = open();
    const campaign = newCampaign();
    await store.createCampaign(campaign);
    const upserted = await store.upsertProspects(prospects(1200), T0);
    await store.suppress([
      { email: upserted[3]!.email, reason: "complaint", campaignId: null, createdAt: T0 },
    ]);
    let calls = 0;
    const made: string[] = [];
    const result = await store.enrollProspects(
      enrollAll(campaign.id, () => {
        calls += 1;
        const id = `01890000-0000-7000-8000-${String(calls).padStart(12, "0")}`;
        made.push(id);
        return id;
      }),
    );
    // Exactly one id per lead added (1 199 over three insert statements), in the order made.
    expect(result.added).toBe(1199);
    expect(calls).toBe(1199);
    expect(result.leadIds).toEqual(made);
  });

  it("fails an enrollment whose id function throws, as the store on the host's thread does, writing nothing", async () => {
    const { store, file } = open();
    const campaign = newCampaign();
    await store.createCampaign(campaign);
    await store.upsertProspects(prospects(5), T0);
    const failing = () => {
      throw new Error("the id service is down");
    };
    const threaded = await rejection(store.enrollProspects(enrollAll(campaign.id, failing)));
    const inline = sqliteStore(file);
    opened.push(inline);
    const direct = await rejection(inline.enrollProspects(enrollAll(campaign.id, failing)));
    expect(isCadenzaError(threaded, "STORE_ERROR")).toBe(true);
    expect((threaded as Error).message).toContain("the id service is down");
    expect((threaded as CadenzaError).toJSON()).toEqual((direct as CadenzaError).toJSON());
    expect(await store.listLeads(campaign.id, { limit: 10, offset: 0 })).toEqual([]);
    expect((await store.getCounters(campaign.id)).leadsCount).toBe(0);
  });

  it("rejects with the same error as the store on the host's thread: code, message, details, cause", async () => {
    const { store, file } = open();
    const inline = sqliteStore(file);
    opened.push(inline);
    const campaign = newCampaign();
    await store.createCampaign(campaign);
    const threaded = await rejection(store.createCampaign(campaign));
    const direct = await rejection(inline.createCampaign(campaign));
    expect(threaded).toBeInstanceOf(CadenzaError);
    expect((threaded as CadenzaError).code).toBe("CONFLICT");
    expect((threaded as CadenzaError).toJSON()).toEqual((direct as CadenzaError).toJSON());
    expect((threaded as Error).cause).toMatchObject({
      message: ((direct as Error).cause as Error).message,
      code: "SQLITE_CONSTRAINT_PRIMARYKEY",
    });
    const missing = await rejection(store.updateCampaign("no-such-campaign", { updatedAt: T0 }));
    expect((missing as CadenzaError).toJSON()).toEqual(
      (
        (await rejection(inline.updateCampaign("no-such-campaign", { updatedAt: T0 }))) as CadenzaError
      ).toJSON(),
    );
  });

  it("keeps a CadenzaError's issues and details across, and a plain error's name and message", () => {
    const error = new CadenzaError("VALIDATION", {
      issues: [{ path: ["steps", 1, "variantA", "subject"], message: "Required", code: "invalid_type" }],
      details: { at: new Date(0), nested: { n: 1n }, fn: () => 1 },
      cause: Object.assign(new Error("driver said no"), { code: "SQLITE_MISUSE" }),
    });
    const back = fromWire(structuredClone(toWire(error))) as CadenzaError;
    expect(back).toBeInstanceOf(CadenzaError);
    expect(back.toJSON()).toEqual({
      code: "VALIDATION",
      message: error.message,
      issues: error.issues,
      details: { at: "1970-01-01T00:00:00.000Z", nested: { n: "1" } },
    });
    expect(back.cause).toMatchObject({ message: "driver said no", code: "SQLITE_MISUSE" });
    const plain = fromWire(structuredClone(toWire(new RangeError("out of range"))));
    expect(plain).toMatchObject({ name: "RangeError", message: "out of range" });
  });

  it("reports a file it cannot open as the first call's error, then closes", async () => {
    const file = join(dir, "no-such-directory", "x.db");
    const store = sqliteStore(file, { thread: true });
    const inline = await rejection(Promise.resolve().then(() => sqliteStore(file)));
    const first = await rejection(store.listCampaigns());
    expect(isCadenzaError(first, "STORE_ERROR")).toBe(true);
    expect((first as CadenzaError).toJSON()).toEqual((inline as CadenzaError).toJSON());
    await store.close();
    expect(existsSync(file)).toBe(false);
  });

  it("keeps an in-memory database of its own in the thread", async () => {
    const { store: one } = open({}, ":memory:");
    const { store: other } = open({}, ":memory:");
    const campaign = newCampaign();
    await one.createCampaign(campaign);
    expect((await one.getCampaign(campaign.id))?.id).toBe(campaign.id);
    expect(await other.getCampaign(campaign.id)).toBeNull();
    expect(one.checkpoints().mode).toBe("inline");
  });

  it("refuses calls once closed, like the store on the host's thread, and closes once", async () => {
    const { store } = open();
    await store.listCampaigns();
    await Promise.all([store.close(), store.close()]);
    const after = await rejection(store.listCampaigns());
    expect(after).toMatchObject({ code: "STORE_UNAVAILABLE", message: expect.stringContaining("is closed") });
  });

  it("rejects arguments that cannot cross to the thread with VALIDATION, and goes on", async () => {
    const { store } = open();
    const campaign = newCampaign();
    const error = await rejection(
      store.createCampaign({ ...campaign, description: (() => "not data") as unknown as string }),
    );
    expect(error).toMatchObject({
      code: "VALIDATION",
      message: expect.stringContaining("cannot be passed to the store thread"),
    });
    await store.createCampaign(campaign);
    expect((await store.listCampaigns()).map((c) => c.id)).toEqual([campaign.id]);
  });

  it("refuses a Database object and a thread option that is not a boolean, naming the option", () => {
    const database = new Database(":memory:");
    try {
      expect(() => sqliteStore(database as never, { thread: true })).toThrow(
        expect.objectContaining({
          code: "VALIDATION",
          issues: [expect.objectContaining({ path: ["thread"] })],
        }),
      );
    } finally {
      database.close();
    }
    const file = join(dir, "never-opened.db");
    expect(() => sqliteStore(file, { thread: "yes" as never })).toThrow(
      expect.objectContaining({
        code: "VALIDATION",
        issues: [expect.objectContaining({ path: ["thread"] })],
      }),
    );
    expect(existsSync(file)).toBe(false);
  });

  it("leaves the host's event loop turning while a long enrollment runs", async () => {
    const { store, file } = open();
    const campaign = newCampaign();
    await store.createCampaign(campaign);
    await store.upsertProspects(prospects(20_000), T0);
    let n = 0;
    const id = () => `01890000-0000-7000-8000-${String(++n).padStart(12, "0")}`;
    const threaded = await turnsDuring(() => store.enrollProspects(enrollAll(campaign.id, id)));
    // The control: the same enrollment on the host's thread holds the loop from start to end.
    const other = newCampaign();
    await store.createCampaign(other);
    const inline = sqliteStore(file);
    opened.push(inline);
    await inline.listCampaigns();
    const direct = await turnsDuring(() => inline.enrollProspects(enrollAll(other.id, id)));
    expect((await store.getCounters(campaign.id)).leadsCount).toBe(20_000);
    expect((await store.getCounters(other.id)).leadsCount).toBe(20_000);
    expect(direct).toBeLessThanOrEqual(2);
    expect(threaded).toBeGreaterThan(100);
  });

  it("fails the calls in flight and every later call when its thread dies, and still closes", async () => {
    // A thread that takes the first call and dies without answering it.
    const dying = () =>
      new Worker(`require("node:worker_threads").parentPort.once("message", () => process.exit(3));`, {
        eval: true,
      });
    const store = threadStore(join(dir, "dies.db"), {}, dying);
    const inFlight = await rejection(store.listCampaigns());
    expect(inFlight).toMatchObject({
      code: "STORE_UNAVAILABLE",
      message: expect.stringContaining("exited with code 3"),
    });
    expect(await rejection(store.getCampaign("any"))).toBe(inFlight);
    await store.close();
    expect(await rejection(store.listCampaigns())).toMatchObject({
      code: "STORE_UNAVAILABLE",
      message: expect.stringContaining("is closed"),
    });
  });
});
