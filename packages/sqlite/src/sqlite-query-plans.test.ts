import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "@cadenza/core";
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

/** Claims up to `limit` due leads of a campaign under lease token `t`. */
function claimAll(store: Store, campaignId: string, limit: number) {
  return store.claimDueLeads({
    campaignId,
    now: T0,
    limit,
    leaseToken: "t",
    leaseExpiresAt: new Date(T0.getTime() + 300_000),
    quotas: [],
  });
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
    const claimed = await claimAll(store, campaign.id, 50);
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

  it("moves only the lead's due, status and lease entries when a send completes it", async () => {
    const file = join(dir, "lead-indexes.sqlite");
    const store = sqliteStore(file, { migrate: true });
    const { campaign } = await seedCampaign(store, { leads: 3, steps: 1 });
    const claimed = await claimAll(store, campaign.id, 3);
    const database = new Database(file);
    const rowOf = (id: string) =>
      database.prepare("select * from campaign_leads where id = ?").get(id) as Record<string, unknown>;
    const before = rowOf(claimed[0]!.lead.id);
    const emails = claimed.map((c) => newEmail(c.lead, "t"));
    await store.beginSends(emails, T0);
    await store.completeSends(emails.map((e) => outcome("sent", e, { lastStep: 1 })));
    const after = rowOf(claimed[0]!.lead.id);
    expect(after.status).toBe("completed");
    const changed = new Set(Object.keys(after).filter((column) => after[column] !== before[column]));
    const rewritten = (database.pragma("index_list(campaign_leads)") as { name: string }[])
      .filter((index) =>
        (database.pragma(`index_info(${index.name})`) as { name: string }[]).some((c) => changed.has(c.name)),
      )
      .map((index) => index.name)
      .sort();
    // A campaign's leads are claimed in enrollment order, not prospect order: an index by prospect
    // that held the status would be rewritten one page per lead.
    expect(rewritten).toEqual([
      "campaign_leads_by_status",
      "campaign_leads_due",
      "campaign_leads_stopped_leased",
    ]);
    database.close();
    await store.close?.();
  });
  it("finds emails by either Message-ID with index lookups, and writes the provider's only for a batch that has one", async () => {
    const { store, database, prepared } = recordingStore(join(dir, "message-ids.sqlite"));
    const { campaign } = await seedCampaign(store, { leads: 4 });
    const claimed = await claimAll(store, campaign.id, 4);
    const emails = claimed.map((c) => newEmail(c.lead, "t"));
    await store.beginSends(emails, T0);
    const emailUpdates = () => prepared.filter((source) => /^\s*update\s+"emails"/i.test(source)).join("\n");

    prepared.length = 0;
    await store.completeSends(emails.slice(0, 2).map((e) => outcome("sent", e)));
    expect(emailUpdates()).toMatch(/"status"/);
    expect(emailUpdates()).not.toMatch(/provider_message_id/);
    prepared.length = 0;
    const renamed = "<0100018c-1-000000@email.amazonses.com>";
    await store.completeSends([{ ...outcome("sent", emails[2]!), providerMessageId: renamed }]);
    expect(emailUpdates()).toMatch(/provider_message_id/);

    prepared.length = 0;
    const found = await store.findEmailsByMessageId([renamed, emails[0]!.messageId]);
    expect(found.map((e) => e.id).sort()).toEqual([emails[0]!.id, emails[2]!.id].sort());
    const reads = prepared.filter((source) => /^\s*select/i.test(source) && /"emails"/.test(source));
    expect(reads).toHaveLength(1);
    const plan = planOf(database, reads[0]!);
    expect(
      plan.filter((step) => /^SCAN (e|emails)\b/.test(step)),
      plan.join("\n"),
    ).toEqual([]);
    expect(plan.join("\n")).toContain("emails_by_message_id");
    expect(plan.join("\n")).toContain("emails_by_provider_message_id");
    await store.close?.();
    database.close();
  });
});
