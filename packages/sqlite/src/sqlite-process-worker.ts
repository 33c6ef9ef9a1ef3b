/**
 * A dispatcher stand-in run as its own process by `sqlite-processes.test.ts`: it claims, begins and
 * completes sends against a shared SQLite file until nothing is due, then prints what it claimed.
 * Usage: `node --conditions=@cadenza/source --import tsx sqlite-process-worker.ts <file> <campaignId>
 * <quota> <barrierDir> <workers>`. Workers start claiming together: each checks in to `barrierDir`
 * and waits until all have.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sqliteStore } from "./sqlite-store.js";

const [file, campaignId, quotaLimit, barrierDir, workers] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
writeFileSync(join(barrierDir, String(process.pid)), "");
while (readdirSync(barrierDir).length < Number(workers)) await sleep(5);
const now = new Date("2030-03-04T09:01:00.000Z");
const store = sqliteStore(file, { busyTimeoutMs: 10_000 });
const quota = { key: `campaign:${campaignId}`, day: "2030-03-04", limit: Number(quotaLimit) };
const claimed: string[] = [];
for (;;) {
  const token = randomUUID();
  const batch = await store.claimDueLeads({
    campaignId,
    now,
    limit: 3,
    leaseToken: token,
    leaseExpiresAt: new Date(now.getTime() + 600_000),
    quotas: [quota],
  });
  if (batch.length === 0) break;
  const emails = batch.map(({ lead }) => {
    const id = randomUUID();
    return {
      id,
      leadId: lead.id,
      campaignId,
      prospectId: lead.prospectId,
      stepNumber: 1,
      variant: "A" as const,
      mailboxId: null,
      leaseToken: token,
      counterDay: "2030-03-04",
      messageId: `<${id}@mail.example>`,
      inReplyTo: null,
      references: [],
      subject: "Hello",
      html: null,
      text: "Hello",
      toEmail: "to@example.com",
      fromEmail: "from@example.com",
      idempotencyKey: `${lead.id}:1`,
      generated: false,
      links: [],
    };
  });
  const begun = await store.beginSends(emails, now);
  await store.completeSends(
    emails
      .filter((e) => begun.begun.includes(e.id))
      .map((e) => ({
        kind: "sent" as const,
        emailId: e.id,
        leadId: e.leadId,
        leaseToken: token,
        at: now,
        response: "250 OK",
        lead: {
          currentStep: 1,
          status: "completed" as const,
          assignedVariant: "A" as const,
          lastEmailAt: now,
          nextEmailAt: null,
          emailsSent: 1,
          attempts: 0,
          lastError: null,
        },
        counters: [],
        event: {
          id: randomUUID(),
          kind: "sent" as const,
          campaignId,
          leadId: e.leadId,
          emailId: e.id,
          at: now,
          data: {},
        },
      })),
  );
  claimed.push(...batch.map((c) => c.lead.id));
}
await store.close();
process.stdout.write(JSON.stringify(claimed));
