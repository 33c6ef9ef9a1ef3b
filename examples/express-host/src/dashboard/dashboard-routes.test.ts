import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_COOKIE } from "./dashboard-auth.js";
import {
  HOSTILE_NAME,
  playSmallCampaign,
  startTestHost,
  TEST_API_KEY,
  type TestHost,
} from "./testing/small-campaign-flow.js";

let test: TestHost;
let campaignId: string;

beforeAll(async () => {
  test = await startTestHost();
  campaignId = await playSmallCampaign(test.api, test.host.url);
}, 60_000);

afterAll(async () => {
  await test?.close();
});

const page = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${test.host.url}${path}`, { headers, redirect: "manual" });

/** The session cookie the dashboard sets for `?key=`, as a `cookie` header value. */
async function signIn(): Promise<string> {
  const answer = await page(`/dashboard?key=${encodeURIComponent(TEST_API_KEY)}`);
  expect(answer.status).toBe(200);
  return answer.headers.get("set-cookie")!.split(";")[0]!;
}

describe("the dashboard over HTTP", () => {
  it("answers 401 with an HTML page, under the policy, without a key", async () => {
    for (const path of ["/dashboard", `/dashboard/campaigns/${campaignId}`, "/dashboard/nothing"]) {
      const answer = await page(path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
      expect(answer.headers.get("content-security-policy")).toMatch(
        /^default-src 'none'; style-src 'sha256-/,
      );
      expect(answer.headers.get("cache-control")).toBe("no-store");
      const body = await answer.text();
      expect(body).toContain("The dashboard needs the API key");
      expect(body).not.toContain("Hotels");
    }
  });

  it("refuses a wrong key in the address, a wrong bearer key and a forged cookie", async () => {
    const wrong = await page("/dashboard?key=not-the-key-at-all");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).toContain("The key in the address is not valid.");
    expect((await page("/dashboard", { authorization: "Bearer not-the-key-at-all" })).status).toBe(401);
    const forged = await page("/dashboard", {
      cookie: `${DASHBOARD_COOKIE}=99999999999999.${"A".repeat(43)}`,
    });
    expect(forged.status).toBe(401);
    expect(await forged.text()).toContain("Your dashboard session has expired.");
    // The API key itself is no session.
    expect((await page("/dashboard", { cookie: `${DASHBOARD_COOKIE}=${TEST_API_KEY}` })).status).toBe(401);
  });

  it("trades ?key= for an HttpOnly, SameSite=Strict cookie and sends the browser on without the key", async () => {
    const answer = await page(
      `/dashboard/campaigns/${campaignId}?from=2026-01-05&key=${encodeURIComponent(TEST_API_KEY)}&to=2026-01-06`,
    );
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get("set-cookie")!;
    expect(cookie).toMatch(new RegExp(`^${DASHBOARD_COOKIE}=\\d+\\.[A-Za-z0-9_-]{43};`));
    expect(cookie).toContain("Max-Age=43200");
    expect(cookie).toContain("Path=/dashboard");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain("Secure"); // plain HTTP here; set over HTTPS
    expect(cookie).not.toContain(TEST_API_KEY);
    const body = await answer.text();
    expect(body).toContain(
      `<meta http-equiv="refresh" content="0; url=/dashboard/campaigns/${campaignId}?from=2026-01-05&amp;to=2026-01-06">`,
    );
    expect(body).not.toContain(TEST_API_KEY);
  });

  it("serves the pages on the session cookie or the bearer key", async () => {
    const cookie = await signIn();
    const byCookie = await page(`/dashboard/campaigns/${campaignId}`, { cookie });
    expect(byCookie.status).toBe(200);
    expect(await byCookie.text()).toContain('id="metrics-table"');
    const byBearer = await page("/dashboard", { authorization: `Bearer ${TEST_API_KEY}` });
    expect(byBearer.status).toBe(200);
    expect(await byBearer.text()).toContain(`href="/dashboard/campaigns/${campaignId}"`);
  });

  it("escapes what campaigns say: a name or description is never markup", async () => {
    const cookie = await signIn();
    for (const path of ["/dashboard", `/dashboard/campaigns/${campaignId}`]) {
      const body = await (await page(path, { cookie })).text();
      expect(body, path).toContain("Hotels &lt;img src=x onerror=alert(1)&gt; &amp; &quot;friends&quot;");
      expect(body, path).not.toContain("<img");
      expect(body, path).not.toContain(HOSTILE_NAME);
    }
    const detail = await (await page(`/dashboard/campaigns/${campaignId}`, { cookie })).text();
    expect(detail).toContain("Independent hotels, &lt;b&gt;Lisbon&lt;/b&gt; first");
  });

  it("answers HTML 404s for unknown campaigns and pages, and 400 naming a bad range parameter", async () => {
    const cookie = await signIn();
    const unknown = await page("/dashboard/campaigns/00000000-0000-4000-8000-000000000000", { cookie });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Campaign 00000000-0000-4000-8000-000000000000 does not exist");
    const notAnId = await page("/dashboard/campaigns/%3Cscript%3E", { cookie });
    expect(notAnId.status).toBe(404);
    expect(await notAnId.text()).not.toContain("<script>");
    expect((await page("/dashboard/elsewhere", { cookie })).status).toBe(404);
    const badDay = await page(`/dashboard/campaigns/${campaignId}?from=2026-02-30`, { cookie });
    expect(badDay.status).toBe(400);
    expect(await badDay.text()).toContain("<code>from</code>: Expected a date as YYYY-MM-DD");
    const backwards = await page(`/dashboard/campaigns/${campaignId}?from=2026-01-08&to=2026-01-01`, {
      cookie,
    });
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain("<code>to</code>: toDay is before fromDay");
  });

  it("draws the days asked for, and marks the chosen range", async () => {
    const cookie = await signIn();
    const body = await (
      await page(`/dashboard/campaigns/${campaignId}?from=2026-01-02&to=2026-01-08`, { cookie })
    ).text();
    expect(body).toContain('data-days="7"');
    expect(body.match(/<circle [^>]*data-day="/g)).toHaveLength(7);
    expect(body).toContain("<b>last 7 days</b>");
  });

  it("reports the dashboard's address in /api/info", async () => {
    const info = await test.api.get<{ dashboard_url: string }>("/api/info");
    expect(info.body.dashboard_url).toBe(`${test.host.publicUrl}/dashboard`);
  });
});
