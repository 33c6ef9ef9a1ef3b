import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEmail, outcome, seedCampaign, T0 } from "@cadenza/sql/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-bodies-"));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sentEmails(count: number) {
  const file = join(dir, `db-${++n}.sqlite`);
  const store = sqliteStore(file, { migrate: true });
  const { campaign } = await seedCampaign(store, { leads: count });
  const claimed = await store.claimDueLeads({
    campaignId: campaign.id,
    now: T0,
    limit: count,
    leaseToken: "t",
    leaseExpiresAt: new Date(T0.getTime() + 300_000),
    quotas: [],
  });
  const emails = claimed.map((c, i) => ({
    ...newEmail(c.lead, "t"),
    text: `Hi ${i}, ${"a long paragraph ".repeat(400)}`,
    html: `<p title="q&quot;${i}">${"<b>bold</b> ".repeat(600)}</p>`,
  }));
  expect((await store.beginSends(emails, T0)).begun).toHaveLength(count);
  return { file, store, emails };
}

describe("SQLite email bodies", () => {
  it("writes an outbound email's bodies once, apart from the row its outcome rewrites", async () => {
    const { file, store, emails } = await sentEmails(3);
    await store.completeSends(emails.map((e) => outcome("sent", e)));
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("select body, html from emails order by id").all() as {
      body: string;
      html: null;
    }[];
    expect(rows).toEqual(emails.map(() => ({ body: "", html: null })));
    const apart = db.prepare("select count(*) as n from email_bodies").get() as { n: number };
    expect(apart.n).toBe(3);
    db.close();
    for (const email of emails) {
      expect(await store.getEmail(email.id)).toMatchObject({
        status: "sent",
        text: email.text,
        html: email.html,
      });
    }
    const listed = await store.listEmails({ campaignId: emails[0]!.campaignId, limit: 10, offset: 0 });
    expect(listed.map((e) => e.text).sort()).toEqual(emails.map((e) => e.text).sort());
    const threads = await store.getThreads([emails[0]!.leadId]);
    expect(threads.get(emails[0]!.leadId)?.[0]?.html).toBe(emails[0]!.html);
    const byMessageId = await store.findEmailsByMessageId([emails[1]!.messageId]);
    expect(byMessageId.map((e) => e.text)).toEqual([emails[1]!.text]);
    await store.close();
  });

  it("drops the bodies with an email a retry deletes", async () => {
    const { file, store, emails } = await sentEmails(2);
    await store.completeSends([outcome("retry", emails[0]!), outcome("sent", emails[1]!)]);
    expect(await store.getEmail(emails[0]!.id)).toBeNull();
    const db = new Database(file, { readonly: true });
    const kept = db.prepare("select email_id from email_bodies").all() as { email_id: string }[];
    expect(kept).toEqual([{ email_id: emails[1]!.id }]);
    db.close();
    await store.close();
  });

  it("reads bodies still kept in the emails row, as rows written before the bodies table are", async () => {
    const { file, store, emails } = await sentEmails(1);
    const db = new Database(file);
    db.prepare("delete from email_bodies").run();
    db.prepare("update emails set body = 'inline text', html = '<p>inline</p>'").run();
    db.close();
    expect(await store.getEmail(emails[0]!.id)).toMatchObject({ text: "inline text", html: "<p>inline</p>" });
    await store.close();
  });
});
