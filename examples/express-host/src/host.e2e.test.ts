import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, rawReply } from "../demo/api-client.js";
import { auditCampaignBody } from "../demo/audit-campaign.js";
import { readHostEnv } from "./config/host-config.js";
import { type RunningHost, startHost } from "./host/start-host.js";

const API_KEY = "e2e-api-key-0123456789";
const START = "2026-01-05T08:00:00Z"; // a Monday, an hour before the send window opens

type Json = Record<string, unknown> & {
  error?: { code: string; message: string; issues: { path: unknown[] }[] };
};

let folder: string;
let host: RunningHost;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "cadenza-host-e2e-"));
  const env = readHostEnv({
    NODE_ENV: "test",
    PORT: "0",
    CADENZA_DB: join(folder, "cadenza.db"),
    CADENZA_API_KEY: API_KEY,
    CADENZA_SECRET: "e2e-tracking-secret-0123456789abcdef0123",
    CADENZA_FAKE_CLOCK: START,
    SENDER_EMAIL: "ana@outreach.example",
    SENDER_NAME: "Ana",
  });
  host = await startHost(env, () => {});
  api = apiClient(host.url, API_KEY);
});

afterAll(async () => {
  await host?.close();
  rmSync(folder, { recursive: true, force: true });
});

const csv = readFileSync(new URL("../demo/prospects.csv", import.meta.url), "utf8");
// The first ten prospects of the demo file, and one row whose email is bad.
const sampleCsv = `${csv.split("\n").slice(0, 11).join("\n")}\nMira,Dias,not-an-email,Owner,Hotel Sem Email,Lisbon,Portugal,warm\n`;

describe("the host, driven over HTTP", () => {
  it("runs the audit's campaign end to end: create, import, enroll, send, track, reply, analytics", async () => {
    const created = await api.post<Json & { campaign: Record<string, unknown> }>(
      "/api/outreach/campaigns",
      auditCampaignBody,
    );
    expect(created.status).toBe(201);
    expect(created.body.message).toBe("Campaign created successfully");
    expect(created.body.campaign).toMatchObject({
      name: "Hotel GM Outreach Q4",
      active: false,
      created_at: START.replace("Z", ".000Z"),
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
    const reply = await fetch(`${host.url}/api/webhooks/inbound`, {
      method: "POST",
      headers: { "content-type": "message/rfc822", authorization: `Bearer ${API_KEY}` },
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
  });

  it("requires the API key on management routes and leaves tracking public", async () => {
    const anonymous = apiClient(host.url, null);
    const missing = await anonymous.get<Json>("/api/outreach/campaigns");
    expect(missing.status).toBe(401);
    expect(missing.body.error?.code).toBe("UNAUTHORIZED");
    const wrong = await apiClient(host.url, "not-the-key-at-all-0000").get<Json>("/api/mailboxes");
    expect(wrong.status).toBe(401);
    const pixel = await fetch(`${host.url}/api/track/open/${"x".repeat(68)}`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get("content-type")).toBe("image/gif");
    const badLink = await fetch(`${host.url}/api/unsubscribe/${"x".repeat(68)}`);
    expect(badLink.status).toBe(200); // the confirmation page; the token is checked on POST
    const inbound = await fetch(`${host.url}/api/webhooks/inbound`, { method: "POST", body: "x" });
    expect(inbound.status).toBe(401);
  });

  it("answers bad input with 4xx JSON naming the field as the client sent it", async () => {
    const malformed = await api.post<Json>("/api/outreach/campaigns", "{ not json", {
      "content-type": "application/json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.code).toBe("VALIDATION");

    const { variant_a_subject: _s, ...stepWithoutSubject } = auditCampaignBody.sequences[0]!;
    const noSubject = await api.post<Json>("/api/outreach/campaigns", {
      ...auditCampaignBody,
      sequences: [stepWithoutSubject],
    });
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.error?.issues.map((i) => i.path)).toContainEqual([
      "sequences",
      0,
      "variant_a_subject",
    ]);

    const typo = await api.post<Json>("/api/outreach/campaigns", {
      ...auditCampaignBody,
      sequences: [{ ...auditCampaignBody.sequences[0]!, variant_a_body: "Hi {{frist_name}}" }],
    });
    expect(typo.status).toBe(422);
    expect(typo.body.error?.code).toBe("UNKNOWN_VARIABLE");
    expect(typo.body.error?.issues[0]?.path).toEqual(["sequences", 0, "variant_a_body"]);

    const badLimit = await api.post<Json>("/api/outreach/campaigns", {
      ...auditCampaignBody,
      daily_limit: 0,
    });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error?.issues[0]?.path).toEqual(["daily_limit"]);

    const unknown = await api.post<Json>(
      "/api/outreach/campaigns/00000000-0000-4000-8000-000000000000/activate",
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe("NOT_FOUND");

    const campaigns = await api.get<{ campaigns: { id: string }[] }>("/api/outreach/campaigns");
    const id = campaigns.body.campaigns[0]!.id;
    const badVariant = await api.post<Json>(`/api/campaigns/${id}/leads`, {
      prospectIds: ["00000000-0000-4000-8000-000000000001"],
      variant: "c",
    });
    expect(badVariant.status).toBe(400);
    expect(badVariant.body.error?.issues[0]?.path).toEqual(["variant"]);

    const notAnId = await api.post<Json>(`/api/campaigns/${id}/leads`, { prospectIds: ["x"] });
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.error?.issues[0]?.path).toEqual(["prospectIds", 0]);
    expect((await api.get<Json>("/api/outreach/campaigns/not-a-uuid")).status).toBe(404);

    const badProspect = await api.post<Json>("/api/prospects", { email: "nope", first_name: "X" });
    expect(badProspect.status).toBe(400);
    expect(badProspect.body.error?.issues[0]?.path).toEqual(["email"]);

    const noEmailColumn = await api.post<Json>("/api/prospects/import", "name,city\nAna,Lisbon\n", {
      "content-type": "text/csv",
    });
    expect(noEmailColumn.status).toBe(400);
    expect(noEmailColumn.body.error?.code).toBe("CSV_INVALID");

    const badDuration = await api.post<Json>("/api/dev/clock", { advance: "6 hours" });
    expect(badDuration.status).toBe(400);
    expect(badDuration.body.error?.issues[0]?.path).toEqual(["advance"]);

    const backwards = await api.post<Json>("/api/dev/clock", { set: "2020-01-01T00:00:00Z" });
    expect(backwards.status).toBe(400);

    const noRoute = await api.get<Json>("/api/nothing-here");
    expect(noRoute.status).toBe(404);
    expect(noRoute.body.error?.code).toBe("ROUTE_NOT_FOUND");
  });

  it("shows caught mail as escaped HTML", async () => {
    await api.post("/api/prospects", {
      email: "xss@prospect.example",
      first_name: "<script>alert(1)</script>",
      hotel_name: "H",
    });
    const [prospect] = (await api.get<{ prospects: { id: string }[] }>("/api/prospects?search=xss@prospect"))
      .body.prospects;
    const campaigns = await api.get<{ campaigns: { id: string }[] }>("/api/outreach/campaigns");
    const sent = await api.post<{ success: boolean }>(
      `/api/outreach/campaigns/${campaigns.body.campaigns[0]!.id}/test-send`,
      {
        to: "reviewer@outreach.example",
        step_number: 1,
        variant: "b",
        prospect_id: prospect!.id,
      },
    );
    expect(sent.body.success).toBe(true);
    const list = await (await fetch(`${host.url}/dev/mail`)).text();
    expect(list).toContain("[Test] &lt;script&gt;alert(1)&lt;/script&gt;, an idea for H");
    expect(list).not.toContain("<script>alert(1)");
    const caught = (await api.caughtMail("reviewer@outreach.example"))[0]!;
    const page = await fetch(`${host.url}/dev/mail/${caught.id}`);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).not.toContain("<script>alert(1)");
  });
});

describe("the host without a simulated clock", () => {
  it("has no dev routes", async () => {
    const other = await startHost(
      readHostEnv({
        NODE_ENV: "test",
        PORT: "0",
        CADENZA_API_KEY: API_KEY,
        CADENZA_SECRET: "e2e-tracking-secret-0123456789abcdef0123",
        CADENZA_DB: join(folder, "second.db"),
        DISPATCH: "off",
      }),
      () => {},
    );
    try {
      const client = apiClient(other.url, API_KEY);
      expect((await client.post("/api/dev/clock", { advance: "PT1H" })).status).toBe(404);
      expect((await client.post("/api/dev/dispatch")).status).toBe(404);
      expect((await client.get<{ dispatch: string }>("/api/info")).body.dispatch).toBe("worker");
    } finally {
      await other.close();
    }
  });
});
