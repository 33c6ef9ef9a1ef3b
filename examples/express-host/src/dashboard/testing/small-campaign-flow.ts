import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type ApiClient, apiClient, type CaughtMail, rawReply } from "../../../demo/api-client.js";
import { readHostEnv } from "../../config/host-config.js";
import { type RunningHost, startHost } from "../../host/start-host.js";

/** The key the dashboard tests' hosts run with. */
export const TEST_API_KEY = "dashboard-test-key-0123456789";
/** A Monday, an hour before the send window opens. */
export const TEST_START = "2026-01-05T08:00:00Z";

/** A host on a simulated clock with its own SQLite file, and a way to remove both. */
export interface TestHost {
  host: RunningHost;
  api: ApiClient;
  close(): Promise<void>;
}

/** Starts a host on a simulated clock at `TEST_START`, in a temporary folder of its own. */
export async function startTestHost(): Promise<TestHost> {
  const folder = mkdtempSync(join(tmpdir(), "cadenza-dashboard-"));
  const host = await startHost(
    readHostEnv({
      NODE_ENV: "test",
      PORT: "0",
      CADENZA_DB: join(folder, "cadenza.db"),
      CADENZA_API_KEY: TEST_API_KEY,
      CADENZA_SECRET: "dashboard-tracking-secret-0123456789abcdef",
      CADENZA_FAKE_CLOCK: TEST_START,
      SENDER_EMAIL: "ana@outreach.example",
      SENDER_NAME: "Ana",
    }),
    () => {},
  );
  return {
    host,
    api: apiClient(host.url, TEST_API_KEY),
    async close() {
      await host.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A campaign name that is markup if a page forgets to escape it. */
export const HOSTILE_NAME = `Hotels <img src=x onerror=alert(1)> & "friends"`;

const campaignBody = {
  name: HOSTILE_NAME,
  description: "Independent hotels, <b>Lisbon</b> first",
  daily_limit: 50,
  ab_testing_enabled: true,
  sequences: [
    {
      step_number: 1,
      delay_days: 0,
      variant_a_subject: "Quick question about {{hotel_name}}",
      variant_a_body: "Hi {{first_name}},\n\nA case study: https://example.com/case-study\n\nWorth a call?",
      variant_b_subject: "{{first_name}}, an idea for {{hotel_name}}",
      variant_b_body: "Hello {{first_name}},\n\nTwo-minute read: https://example.com/case-study",
      variant_split: 50,
    },
    {
      step_number: 2,
      delay_days: 2,
      variant_a_subject: "",
      variant_a_body: "Hi {{first_name}}, following up on {{hotel_name}}.",
      variant_b_subject: "",
      variant_b_body: "{{first_name}}, one more thought on {{hotel_name}}.",
      variant_split: 50,
    },
  ],
};

const PROSPECTS = 12;
const csv = [
  "first_name,last_name,email,title,hotel_name,city,country,tier",
  ...Array.from(
    { length: PROSPECTS },
    (_, i) => `P${i},Guest,p${i}@hotel${i}.example,Owner,Hotel ${i},Lisbon,Portugal,warm`,
  ),
].join("\n");

async function ok<T>(answer: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  return body;
}

/**
 * Runs a small two-step A/B campaign over HTTP on a host started at `TEST_START`: creates it,
 * imports twelve prospects, enrolls six on each variant, activates, and over four days dispatches
 * both steps while recipients open, click, reply and unsubscribe through the links in their mail.
 * The clock ends on Thursday 2026-01-08. Answers the campaign's id.
 */
export async function playSmallCampaign(api: ApiClient, hostUrl: string): Promise<string> {
  const { campaign } = await ok(
    api.post<{ campaign: { id: string } }>("/api/outreach/campaigns", campaignBody),
    201,
  );
  const id = campaign.id;
  const imported = await ok(
    api.post<{ prospect_ids: string[] }>("/api/prospects/import", csv, { "content-type": "text/csv" }),
  );
  const ids = imported.prospect_ids;
  expect(ids).toHaveLength(PROSPECTS);
  // Explicit variants, so both arms of the test send whatever ids the leads get.
  await ok(api.post(`/api/campaigns/${id}/leads`, { prospectIds: ids.slice(0, 6), variant: "a" }));
  await ok(api.post(`/api/campaigns/${id}/leads`, { prospectIds: ids.slice(6), variant: "b" }));
  await ok(api.post(`/api/outreach/campaigns/${id}/activate`));

  const reply = async (mail: CaughtMail, at: string) => {
    const answer = await fetch(`${hostUrl}/api/webhooks/inbound`, {
      method: "POST",
      headers: { "content-type": "message/rfc822", authorization: `Bearer ${TEST_API_KEY}` },
      body: rawReply(mail, "Sounds good, call me on Friday.", new Date(at)),
    });
    expect(await answer.json()).toMatchObject({ kind: "reply", matched: true });
  };
  const mailOf = async (address: string) => (await api.caughtMail(address)).at(-1)!;
  const addresses = Array.from({ length: PROSPECTS }, (_, i) => `p${i}@hotel${i}.example`);

  // Monday 09:00: step 1 to all twelve; within the hour five people open, two click, one replies,
  // one unsubscribes.
  await ok(api.post("/api/dev/clock", { set: "2026-01-05T09:00:00Z" }));
  expect((await ok(api.post<{ sent: number }>("/api/dev/dispatch"))).sent).toBe(PROSPECTS);
  await ok(api.post("/api/dev/clock", { set: "2026-01-05T10:00:00Z" }));
  for (const address of [addresses[0]!, addresses[1]!, addresses[6]!, addresses[7]!, addresses[8]!]) {
    expect(await api.open(await mailOf(address))).toBe(200);
  }
  for (const address of [addresses[0]!, addresses[7]!]) {
    expect((await api.click(await mailOf(address))).status).toBe(302);
  }
  await reply(await mailOf(addresses[7]!), "2026-01-05T10:10:00Z");
  expect(await api.unsubscribe(await mailOf(addresses[11]!))).toBe(200);

  // Tuesday: two late opens.
  await ok(api.post("/api/dev/clock", { set: "2026-01-06T11:00:00Z" }));
  for (const address of [addresses[2]!, addresses[9]!])
    expect(await api.open(await mailOf(address))).toBe(200);

  // Wednesday: step 2 to the ten who neither replied nor left.
  await ok(api.post("/api/dev/clock", { set: "2026-01-07T09:05:00Z" }));
  expect((await ok(api.post<{ sent: number }>("/api/dev/dispatch"))).sent).toBe(PROSPECTS - 2);

  // Thursday: three open the follow-up, one replies to it.
  await ok(api.post("/api/dev/clock", { set: "2026-01-08T10:00:00Z" }));
  for (const address of [addresses[0]!, addresses[3]!, addresses[6]!]) {
    expect(await api.open(await mailOf(address))).toBe(200);
  }
  await reply(await mailOf(addresses[3]!), "2026-01-08T10:20:00Z");
  return id;
}
