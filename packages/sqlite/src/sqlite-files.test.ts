import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCadenzaError } from "@cadenza/core";
import { AUDIT_QUERIES } from "@cadenza/sql";
import { newCampaign, seedCampaign, T0 } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-files-"));
let n = 0;
const fresh = () => join(dir, `db-${++n}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sqliteStore files", () => {
  it("opens in WAL mode with foreign keys on and the busy timeout asked for", async () => {
    const file = fresh();
    const store = sqliteStore(file, { busyTimeoutMs: 1234 });
    await store.migrate();
    await store.close();
    const db = new Database(file);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    const host = new Database(file);
    const borrowed = sqliteStore(host, { busyTimeoutMs: 1234 });
    expect(host.pragma("busy_timeout", { simple: true })).toBe(1234);
    expect(host.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(host.pragma("synchronous", { simple: true })).toBe(1);
    await borrowed.listCampaigns();
    await borrowed.close();
    // The host's database stays open: the store only borrowed it.
    expect(host.open).toBe(true);
    host.close();
  });

  it("asks for migrate() on an empty file, or migrates on first use when told to", async () => {
    const file = fresh();
    const plain = sqliteStore(file);
    const error = await plain.listCampaigns().catch((e: unknown) => e);
    expect(isCadenzaError(error, "STORE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/migrate\(\)/);
    await plain.close();
    const auto = sqliteStore(file, { migrate: true });
    expect(await auto.listCampaigns()).toEqual([]);
    await auto.close();
    await auto.close(); // closing twice is harmless
    expect(isCadenzaError(await auto.listCampaigns().catch((e: unknown) => e), "STORE_UNAVAILABLE")).toBe(
      true,
    );
  });

  it("reports a file that is not a database as STORE_CORRUPT, naming it", () => {
    const file = fresh();
    writeFileSync(file, "this is not a database, it is a shopping list: eggs, milk, more eggs ".repeat(100));
    let error: unknown;
    try {
      sqliteStore(file);
    } catch (e) {
      error = e;
    }
    expect(isCadenzaError(error, "STORE_CORRUPT")).toBe(true);
    expect((error as Error).message).toContain(file);
  });

  it("reports a file it cannot create or write as STORE_ERROR, naming it", async () => {
    const missing = join(dir, "no-such-dir", "cadenza.db");
    let error: unknown;
    try {
      sqliteStore(missing);
    } catch (e) {
      error = e;
    }
    expect(isCadenzaError(error, "STORE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(missing);

    const file = fresh();
    const setup = sqliteStore(file);
    await setup.migrate();
    await setup.close();
    const readonly = new Database(file, { readonly: true });
    const store = sqliteStore(readonly);
    const write = await store.createCampaign(newCampaign()).catch((e: unknown) => e);
    expect(isCadenzaError(write, "STORE_ERROR")).toBe(true);
    expect((write as Error).message).toContain(file);
    readonly.close();
  });

  it("reports a lock held past the busy timeout as STORE_BUSY and writes nothing", async () => {
    const file = fresh();
    const store = sqliteStore(file, { busyTimeoutMs: 50 });
    await store.migrate();
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    const campaign = newCampaign();
    const error = await store.createCampaign(campaign).catch((e: unknown) => e);
    other.exec("ROLLBACK");
    other.close();
    expect(isCadenzaError(error, "STORE_BUSY")).toBe(true);
    expect((error as Error).message).toContain(file);
    expect(await store.getCampaign(campaign.id)).toBeNull();
    await store.close();
  });

  it("stores timestamps as ISO-8601 UTC text, booleans as 0/1 and arrays as JSON", async () => {
    const file = fresh();
    const store = sqliteStore(file, { migrate: true });
    const { campaign } = await seedCampaign(store, { leads: 1 });
    await store.close();
    const db = new Database(file, { readonly: true });
    const row = db
      .prepare("SELECT created_at, active, send_days FROM campaigns WHERE id = ?")
      .get(campaign.id);
    expect(row).toEqual({
      created_at: T0.toISOString(),
      active: 1,
      send_days: JSON.stringify(campaign.sendDays),
    });
    const lead = db.prepare("SELECT next_email_at FROM campaign_leads").get() as { next_email_at: string };
    expect(lead.next_email_at).toBe("2030-03-04T09:00:00.000Z");
    db.close();
  });

  it("runs the audit's section 8 queries verbatim", async () => {
    const file = fresh();
    const store = sqliteStore(file, { migrate: true });
    await seedCampaign(store, { leads: 3 });
    await store.close();
    const db = new Database(file, { readonly: true });
    for (const q of AUDIT_QUERIES) expect(db.prepare(q.sql).all(), q.check).toEqual([]);
    db.close();
  });
});
