import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEmail, outcome, seedCampaign, T0 } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { SqliteDatabaseLike } from "./sqlite-database-like.js";
import { sqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-plans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store over an open database whose statements are recorded as they are prepared. */
function recordingStore(file: string) {
  const database = new Database(file);
  const prepared: string[] = [];
  const recording = new Proxy(database, {
    get(target, key) {
      if (key === "prepare") {
        return (source: string) => {
          prepared.push(source);
          return target.prepare(source);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as unknown as SqliteDatabaseLike;
  return { store: sqliteStore(recording, { migrate: true }), database, prepared };
}

/** SQLite's plan of a statement, one line per step (parameters bound to nulls: the plan ignores them). */
function planOf(database: Database.Database, source: string): string[] {
  const statement = database.prepare(`explain query plan ${source}`);
  const params = new Array(source.split("?").length - 1).fill(null);
  return (statement.all(...params) as { detail: string }[]).map((row) => row.detail);
}

describe("SQLite query plans", () => {
  it("finds abandoned sends from the stopped, leased leads, never by walking the outbound emails", async () => {
    const { store, database, prepared } = recordingStore(join(dir, "recover.sqlite"));
    // Sent emails the dispatcher's every tick must not walk through.
    const { campaign } = await seedCampaign(store, { leads: 50 });
    const claimed = await store.claimDueLeads({
      campaignId: campaign.id,
      now: T0,
      limit: 50,
      leaseToken: "t",
      leaseExpiresAt: new Date(T0.getTime() + 300_000),
      quotas: [],
    });
    const emails = claimed.map((c) => newEmail(c.lead, "t"));
    await store.beginSends(emails, T0);
    await store.completeSends(emails.map((e) => outcome("sent", e)));

    prepared.length = 0;
    expect(await store.recoverAbandonedSends(new Date(T0.getTime() + 600_000), 100)).toEqual([]);
    const reads = prepared.filter((source) => /^\s*select/i.test(source) && /"emails"/.test(source));
    expect(reads.length).toBeGreaterThan(0);
    for (const source of reads) {
      const plan = planOf(database, source);
      // Every step a lookup: no table or index of `emails` scanned from one end to the other.
      expect(
        plan.filter((step) => /^SCAN (e|emails)\b/.test(step)),
        plan.join("\n"),
      ).toEqual([]);
      expect(plan.join("\n")).toContain("campaign_leads_stopped_leased");
    }
    await store.close?.();
    database.close();
  });

  it("indexes the referencing columns of every foreign key, with no WHERE, so deletes look rows up", async () => {
    const file = join(dir, "foreign-keys.sqlite");
    const store = sqliteStore(file, { migrate: true });
    await store.migrate();
    await store.close?.();
    const database = new Database(file, { readonly: true });
    const tables = (
      database.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    const unindexed: string[] = [];
    let checked = 0;
    for (const table of tables) {
      const keys = database.pragma(`foreign_key_list(${table})`) as { id: number; from: string }[];
      const leading = (database.pragma(`index_list(${table})`) as { name: string; partial: number }[])
        .filter((index) => index.partial === 0)
        .map((index) =>
          (database.pragma(`index_info(${index.name})`) as { name: string }[]).map((c) => c.name),
        );
      for (const id of new Set(keys.map((k) => k.id))) {
        const columns = keys.filter((k) => k.id === id).map((k) => k.from);
        checked += 1;
        const covered = leading.some((index) => columns.every((column, i) => index[i] === column));
        if (!covered) unindexed.push(`${table}(${columns.join(", ")})`);
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(unindexed).toEqual([]);
    // What it means: deleting a lead or a prospect looks its emails up instead of scanning them.
    for (const table of ["campaign_leads", "prospects", "campaigns"]) {
      const plan = planOf(database, `delete from ${table} where id = ?`);
      expect(
        plan.filter((step) => /^SCAN emails\b/.test(step)),
        plan.join("\n"),
      ).toEqual([]);
    }
    database.close();
  });
});
