import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../demo/api-client.js";
import { auditCampaignBody } from "../demo/audit-campaign.js";
import { readHostEnv } from "./config/host-config.js";
import { type RunningHost, startHost } from "./host/start-host.js";
import { playAuditCampaign } from "./testing/audit-campaign-flow.js";

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

describe("the host, driven over HTTP", () => {
  it("runs the audit's campaign end to end: create, import, enroll, send, track, reply, analytics", async () => {
    await playAuditCampaign(api, host.url, API_KEY, START);
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

  it("keeps a suppression list and mailboxes with a zone and a ramp, in the client's words", async () => {
    const added = await api.post<Json>("/api/suppressions", [
      { email: "Gone@Example.com", reason: "unsubscribed in our old tool" },
      { email: "legal@bigcorp.example" },
    ]);
    expect(added.status).toBe(200);
    expect(added.body.suppressed).toBe(2);
    const bad = await api.post<Json>("/api/suppressions", { email: "not-an-address" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.issues[0]?.path).toEqual(["email"]);
    const checked = await api.post<Json>("/api/suppressions/check", {
      emails: ["gone@example.com", "someone@example.com"],
    });
    expect(checked.body.suppressed).toEqual(["gone@example.com"]);
    const listed = await api.get<{ suppressions: { email: string; reason: string }[] }>("/api/suppressions");
    // The host's own list holds the audit campaign's unsubscribe too.
    const ours = listed.body.suppressions.filter((s) => /gone@|bigcorp/.test(s.email));
    expect(ours.map((s) => [s.email, s.reason]).sort()).toEqual([
      ["gone@example.com", "unsubscribed in our old tool"],
      ["legal@bigcorp.example", "manual"],
    ]);

    const box = await api.post<{ mailbox: Json }>("/api/mailboxes", {
      from_email: "ramp@outreach.example",
      timezone: "America/Los_Angeles",
      daily_cap: 40,
      ramp_up: { start_cap: 10, increase_per_day: 3, started_on: "2026-01-05" },
    });
    expect(box.status).toBe(201);
    expect(box.body.mailbox).toMatchObject({
      timezone: "America/Los_Angeles",
      ramp_up: { start_cap: 10, increase_per_day: 3, started_on: "2026-01-05" },
    });
    const noCap = await api.post<Json>("/api/mailboxes", {
      from_email: "nocap@outreach.example",
      ramp_up: { start_cap: 10, increase_per_day: 3 },
    });
    expect(noCap.status).toBe(400);
    expect(noCap.body.error?.issues[0]?.path).toEqual(["ramp_up"]);
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

    // The audit campaign failed no lead; an unknown campaign is a 404.
    const retried = await api.post<Json>(`/api/campaigns/${id}/leads/retry-failed`);
    expect([retried.status, retried.body]).toEqual([200, { retried: 0 }]);
    const retryUnknown = await api.post<Json>(
      "/api/campaigns/00000000-0000-4000-8000-000000000000/leads/retry-failed",
    );
    expect([retryUnknown.status, retryUnknown.body.error?.code]).toEqual([404, "NOT_FOUND"]);

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
