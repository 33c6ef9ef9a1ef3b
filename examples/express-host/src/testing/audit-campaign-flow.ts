import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { type ApiClient, rawReply } from "../../demo/api-client.js";
import { auditCampaignBody } from "../../demo/audit-campaign.js";

type Json = Record<string, unknown> & {
  error?: { code: string; message: string; issues: { path: unknown[] }[] };
};

const csv = readFileSync(new URL("../../demo/prospects.csv", import.meta.url), "utf8");
// The first ten prospects of the demo file, and one row whose email is bad.
const sampleCsv = `${csv.split("\n").slice(0, 11).join("\n")}\nMira,Dias,not-an-email,Owner,Hotel Sem Email,Lisbon,Portugal,warm\n`;

/**
 * The audit's campaign end to end over HTTP, on a host started at Monday 2026-01-05 08:00 UTC with a
 * simulated clock: create, import, enroll, activate, send, open, click, reply, unsubscribe, follow
 * up, and the numbers analytics and the campaign report afterwards. Shared by the SQLite and
 * Postgres runs so both mean the same thing.
 */
export async function playAuditCampaign(
  api: ApiClient,
  hostUrl: string,
  apiKey: string,
  start: string,
): Promise<void> {
  const created = await api.post<Json & { campaign: Record<string, unknown> }>(
    "/api/outreach/campaigns",
    auditCampaignBody,
  );
  expect(created.status).toBe(201);
  expect(created.body.message).toBe("Campaign created successfully");
  expect(created.body.campaign).toMatchObject({
    name: "Hotel GM Outreach Q4",
    active: false,
    created_at: start.replace("Z", ".000Z"),
  });
  const id = created.body.campaign.id as string;

  const imported = await api.post<Json>("/api/prospects/import", sampleCsv, { "content-type": "text/csv" });
  expect(imported.status).toBe(200);
  expect(imported.body).toMatchObject({ total: 11, imported: 10, created: 10 });
  expect(imported.body.errors).toEqual([{ row: 12, field: "email", reason: "Invalid email address" }]);
  const prospectIds = imported.body.prospect_ids as string[];

  const enrolled = await api.post(`/api/campaigns/${id}/leads`, { prospectIds, variant: "random" });
  expect(enrolled.body).toMatchObject({ success: true, added: 10, skipped: 0 });
  const again = await api.post(`/api/campaigns/${id}/leads`, { prospectIds, variant: "random" });
  expect(again.body).toMatchObject({ success: true, added: 0, skipped: 10 });

  expect((await api.post(`/api/outreach/campaigns/${id}/activate`)).status).toBe(200);

  // 08:00: the send window (9–17 UTC) is closed, nothing goes out.
  expect((await api.post("/api/dev/dispatch")).body).toMatchObject({ sent: 0 });
  await api.post("/api/dev/clock", { advance: "PT1H" });
  const firstPass = await api.post<Json & { emails: { to: string; step_number: number }[] }>(
    "/api/dev/dispatch",
  );
  expect(firstPass.body.sent).toBe(10);
  expect(new Set(firstPass.body.emails.map((e) => e.step_number))).toEqual(new Set([1]));

  const mail = await api.caughtMail();
  expect(mail).toHaveLength(10);
  const first = mail[0]!;
  expect(first.from).toContain("ana@outreach.example");
  expect(first.subject).toMatch(
    /Harbor View|Casa do Rio|Alfama|Miradouro|Quinta|Villa|Atlântico|Pousada|Tram|Colinas/,
  );
  expect(first.text).not.toContain("{{");
  expect(first.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");

  // A person opens four emails, clicks two, replies to one, and one unsubscribes, a minute later.
  await api.post("/api/dev/clock", { advance: "PT1M" });
  for (const m of mail.slice(0, 4)) expect(await api.open(m)).toBe(200);
  for (const m of mail.slice(0, 2)) {
    const click = await api.click(m);
    expect(click).toEqual({ status: 302, location: "https://example.com/case-study" });
  }
  const reply = await fetch(`${hostUrl}/api/webhooks/inbound`, {
    method: "POST",
    headers: { "content-type": "message/rfc822", authorization: `Bearer ${apiKey}` },
    body: rawReply(mail[0]!, "Sounds good, call me on Thursday.", new Date("2026-01-05T09:30:00Z")),
  });
  expect(await reply.json()).toEqual({ kind: "reply", matched: true });
  expect(await api.unsubscribe(mail[9]!)).toBe(200);

  // Step 2 is due three days later: everyone but the one who replied and the one who left.
  await api.post("/api/dev/clock", { set: "2026-01-08T09:05:00Z" });
  const secondPass = await api.post<Json & { emails: { step_number: number }[] }>("/api/dev/dispatch");
  expect(secondPass.body.sent).toBe(8);
  expect(secondPass.body.emails.every((e) => e.step_number === 2)).toBe(true);
  const followUp = (await api.caughtMail(mail[1]!.envelope.to[0]))[1]!;
  expect(followUp.subject).toBe(`Re: ${mail[1]!.subject}`);

  const analytics = await api.get<{
    metrics: {
      steps: { step_number: number; total: Record<string, number> }[];
      leads: { total: number; by_status: Record<string, number> };
    };
  }>(`/api/campaigns/${id}/analytics`);
  expect(analytics.status).toBe(200);
  const [step1, step2, step3] = analytics.body.metrics.steps;
  expect(step1!.total).toMatchObject({ sent: 10, opens: 4, clicks: 2, replies: 1, unsubscribes: 1 });
  expect(step2!.total).toMatchObject({ sent: 8, opens: 0, replies: 0 });
  expect(step3!.total).toMatchObject({ sent: 0 });
  expect(analytics.body.metrics.leads.by_status).toMatchObject({ active: 8, replied: 1, unsubscribed: 1 });

  const detail = await api.get<{
    campaign: Record<string, unknown> & { sequences: Record<string, unknown>[] };
  }>(`/api/outreach/campaigns/${id}`);
  expect(detail.body.campaign).toMatchObject({
    active: true,
    emails_sent: 18,
    emails_opened: 4,
    replies_received: 1,
    leads_count: 10,
    sequence_count: 3,
  });
  const seq1 = detail.body.campaign.sequences[0]!;
  expect(seq1).toMatchObject({ step_number: 1, sent_count: 10, open_count: 4, reply_count: 1 });
  expect((seq1.variant_a_sent as number) + (seq1.variant_b_sent as number)).toBe(10);
  expect(seq1.variant_a_subject).toBe("Quick question about {{hotel_name}}");
}
