import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../demo/api-client.js";
import { auditCampaignBody } from "../demo/audit-campaign.js";
import { readHostEnv } from "./config/host-config.js";
import { type RunningHost, startHost } from "./host/start-host.js";

const API_KEY = "garbage-api-key-0123456789";

let folder: string;
let host: RunningHost;
let api: ReturnType<typeof apiClient>;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "cadenza-host-garbage-"));
  host = await startHost(
    readHostEnv({
      NODE_ENV: "test",
      PORT: "0",
      CADENZA_DB: join(folder, "cadenza.db"),
      CADENZA_API_KEY: API_KEY,
      CADENZA_SECRET: "garbage-tracking-secret-0123456789abcdef",
      CADENZA_FAKE_CLOCK: "2026-01-05T08:00:00Z",
    }),
    () => {},
  );
  api = apiClient(host.url, API_KEY);
  const created = await api.post<{ campaign: { id: string } }>("/api/outreach/campaigns", auditCampaignBody);
  const mailbox = await api.post<{ mailbox: { id: string } }>("/api/mailboxes", {
    from_email: "m@box.example",
  });
  const id = created.body.campaign.id;
  const box = mailbox.body.mailbox.id;
  routes = [
    { method: "POST", path: "/api/outreach/campaigns" },
    { method: "PATCH", path: `/api/outreach/campaigns/${id}` },
    { method: "POST", path: `/api/outreach/campaigns/${id}/duplicate` },
    { method: "POST", path: `/api/outreach/campaigns/${id}/preview` },
    { method: "POST", path: `/api/outreach/campaigns/${id}/test-send` },
    { method: "POST", path: `/api/campaigns/${id}/leads` },
    { method: "POST", path: `/api/campaigns/${id}/audience/preview` },
    { method: "POST", path: `/api/campaigns/${id}/audience/enroll` },
    { method: "POST", path: "/api/prospects" },
    { method: "POST", path: "/api/mailboxes" },
    { method: "PUT", path: `/api/mailboxes/${box}` },
    { method: "PATCH", path: `/api/mailboxes/${box}` },
    { method: "POST", path: "/api/dev/clock" },
  ];
});

afterAll(async () => {
  await host?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Bodies that look almost right: the audit's fields with values of any JSON type. */
const nearMiss = fc.record(
  {
    name: fc.jsonValue(),
    daily_limit: fc.jsonValue(),
    ab_testing_enabled: fc.jsonValue(),
    sequences: fc.oneof(
      fc.jsonValue(),
      fc.array(
        fc.dictionary(
          fc.constantFrom(
            "step_number",
            "delay_days",
            "variant_a_subject",
            "variant_a_body",
            "variant_b_body",
            "variant_split",
          ),
          fc.jsonValue(),
        ),
        { maxLength: 3 },
      ),
    ),
    prospectIds: fc.jsonValue(),
    filter: fc.jsonValue(),
    email: fc.jsonValue(),
    from_email: fc.jsonValue(),
    advance: fc.jsonValue(),
    to: fc.jsonValue(),
    send_days: fc.jsonValue(),
    timezone: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe("garbage input", () => {
  it("is answered 4xx with an error code, never 5xx, on every management route", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(routes.length - 1), fc.oneof(fc.jsonValue(), nearMiss), async (index, body) => {
        const route = routes[index]!;
        const answer = await api.request<{ error?: { code: string } }>(
          route.method,
          route.path,
          JSON.stringify(body),
          {
            "content-type": "application/json",
          },
        );
        expect(answer.status, `${route.method} ${route.path} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (answer.status >= 400) expect(typeof answer.body.error?.code).toBe("string");
      }),
      { numRuns: 400 },
    );
  });

  it("answers a CSV import of random text with 2xx or 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400, unit: "binary" }), async (text) => {
        const answer = await api.post("/api/prospects/import", text, { "content-type": "text/csv" });
        expect(answer.status, JSON.stringify(text)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
