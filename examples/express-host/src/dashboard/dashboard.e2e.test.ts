import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNT_COLUMNS, RATE_COLUMNS } from "./metrics-table.js";
import {
  HOSTILE_NAME,
  playSmallCampaign,
  startTestHost,
  TEST_API_KEY,
  type TestHost,
} from "./testing/small-campaign-flow.js";
import { CHART_SERIES } from "./time-series-chart.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const browserMissing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure (the launch below throws); elsewhere the suite says why it skips.
const skip = browserMissing && process.env.CI !== "true";
if (skip) {
  console.warn(
    `\n*** SKIPPING the dashboard's browser tests: no Chromium at ${CHROMIUM} (install it, e.g. apt-get install chromium, or set CHROMIUM_PATH) ***\n`,
  );
}

/** Numbers as the analytics API answers them (snake_case). */
type Counts = Record<string, number> & { rates: Record<string, number> };
const snakeOf = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

interface Analytics {
  time_series: { timezone: string; days: (Record<string, number> & { day: string })[] };
  metrics: {
    steps: { step_number: number; variants: (Counts & { variant: string })[]; total: Counts }[];
    total: Counts;
    leads: { total: number; by_status: Record<string, number> };
  };
  funnel: { enrolled: number; steps: (Record<string, number> & { step_number: number })[] };
  ab_test: {
    confidence: number;
    steps: (Record<
      "replies" | "opens" | "clicks",
      Record<string, number> & {
        verdict: string;
        confidence_interval: { lower: number; upper: number };
      }
    > & { step_number: number })[];
  };
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const percentText = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** The exact number a cell carries (its first `<data>`), and the text it shows. */
async function shown(cell: Locator): Promise<{ value: number; text: string }> {
  const data = cell.locator("data").first();
  return { value: Number(await data.getAttribute("value")), text: (await data.textContent()) ?? "" };
}

/** Console errors, uncaught errors, failed requests and error answers a page ran into. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  return problems;
}

let test: TestHost;
let browser: Browser;
let campaignId: string;
let analytics: Analytics;

beforeAll(async () => {
  if (skip) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  test = await startTestHost();
  campaignId = await playSmallCampaign(test.api, test.host.url);
  const answer = await test.api.get<Analytics>(`/api/campaigns/${campaignId}/analytics`);
  expect(answer.status).toBe(200);
  analytics = answer.body;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await test?.close();
});

describe.skipIf(skip)("the dashboard in a browser", () => {
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    problems = watch(page);
    await page.goto(
      `${test.host.url}/dashboard/campaigns/${campaignId}?key=${encodeURIComponent(TEST_API_KEY)}`,
    );
    // The sign-in hop refreshes to the same page without the key.
    await page.waitForURL((url) => url.pathname.endsWith(campaignId) && !url.search.includes("key"));
    await page.locator("#metrics-table").waitFor();
    if (process.env.DASHBOARD_SCREENSHOT)
      await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  });

  afterAll(async () => {
    await context?.close();
  });

  it("signs in with the key once, keeps it out of the address and shows the campaign's name as text", async () => {
    expect(page.url()).toBe(`${test.host.url}/dashboard/campaigns/${campaignId}`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "cadenza_dashboard")!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/dashboard" });
    expect(session.value).not.toContain(TEST_API_KEY);
    expect(await page.locator("#campaign-name").textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator("#campaign-status").textContent()).toBe("Active");
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.title()).toBe(`${HOSTILE_NAME} · Cadenza`);
  });

  it("shows every count and rate of the analytics API in the step × variant table", async () => {
    const rows: [string, string, Counts][] = [
      ...analytics.metrics.steps.flatMap((step) => [
        ...step.variants.map((v): [string, string, Counts] => [String(step.step_number), v.variant, v]),
        [String(step.step_number), "total", step.total] as [string, string, Counts],
      ]),
      ["all", "total", analytics.metrics.total],
    ];
    expect(analytics.metrics.total.sent).toBe(22);
    for (const [step, variant, counts] of rows) {
      const row = page.locator(`#metrics-table tr[data-step="${step}"][data-variant="${variant}"]`);
      expect(await row.count(), `row ${step}/${variant}`).toBe(1);
      for (const [field] of COUNT_COLUMNS) {
        const { value, text } = await shown(row.locator(`td[data-metric="${field}"]`));
        expect(value, `${step}/${variant} ${field}`).toBe(counts[snake(field)]);
        expect(text).toBe(String(counts[snake(field)]));
      }
      for (const [field] of RATE_COLUMNS) {
        const { value, text } = await shown(row.locator(`td[data-rate="${field}"]`));
        expect(value, `${step}/${variant} ${field}`).toBe(counts.rates[snake(field)]);
        expect(text).toBe(percentText(counts.rates[snake(field)]!));
      }
    }
    // Variant rows plus a total per step plus the campaign's: nothing extra.
    expect(await page.locator("#metrics-table tbody tr").count()).toBe(rows.length);
  });

  it("shows the funnel the analytics API answers", async () => {
    expect((await shown(page.locator('#funnel [data-funnel="enrolled"]'))).value).toBe(
      analytics.funnel.enrolled,
    );
    expect(analytics.funnel.steps.map((s) => s.reached)).toEqual([12, 10]);
    for (const step of analytics.funnel.steps) {
      const row = page.locator(`#funnel tr[data-step="${step.step_number}"]`);
      for (const field of [
        "reached",
        "conversionFromPrevious",
        "replied",
        "replyRate",
        "unsubscribed",
        "bounced",
      ]) {
        const { value } = await shown(row.locator(`td[data-funnel="${field}"]`));
        expect(value, `step ${step.step_number} ${field}`).toBe(step[snake(field)]);
      }
    }
    expect(await page.locator("#funnel tbody tr").count()).toBe(analytics.funnel.steps.length);
  });

  it("shows the A/B verdicts the analytics API answers", async () => {
    expect(analytics.ab_test.steps.map((s) => s.step_number)).toEqual([1, 2]);
    for (const step of analytics.ab_test.steps) {
      const section = page.locator(`section.ab-step[data-step="${step.step_number}"]`);
      for (const metric of ["replies", "opens", "clicks"] as const) {
        const expected = step[metric];
        const row = section.locator(`tr[data-ab-metric="${metric}"]`);
        const cell = (name: string) => row.locator(`[data-ab="${name}"]`);
        expect((await shown(cell("rateA"))).value).toBe(expected.rate_a);
        expect((await shown(cell("rateB"))).value).toBe(expected.rate_b);
        expect((await shown(cell("difference"))).value).toBe(expected.difference);
        expect((await shown(cell("lower"))).value).toBe(expected.confidence_interval.lower);
        expect((await shown(cell("upper"))).value).toBe(expected.confidence_interval.upper);
        expect((await shown(cell("pValue"))).value).toBe(expected.p_value);
        expect(await cell("verdict").getAttribute("data-verdict")).toBe(expected.verdict);
      }
    }
    // Twelve leads are far below the minimum sample: the page must say so rather than name a winner.
    expect(await page.locator('[data-verdict="insufficient_sample"]').first().textContent()).toBe(
      "Not enough data yet",
    );
  });

  it("draws one marker per day and measure, with the daily numbers of the analytics API", async () => {
    const series = analytics.time_series;
    expect(series.days.map((d) => d.day)).toEqual(["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"]);
    const chart = page.locator("#time-series svg.chart");
    expect(await chart.getAttribute("data-days")).toBe("4");
    expect(await chart.locator("title").first().textContent()).toContain("5 Jan – 8 Jan 2026");
    for (const [name] of CHART_SERIES) {
      const markers = chart.locator(`g[data-series="${name}"] [data-day]`);
      expect(await markers.count(), name).toBe(series.days.length);
      const drawn = await markers.evaluateAll((els) =>
        els.map((el) => [el.getAttribute("data-day"), Number(el.getAttribute("data-value"))]),
      );
      expect(drawn, name).toEqual(series.days.map((d) => [d.day, d[snakeOf(name)]]));
      expect(await markers.first().locator("title").textContent()).toMatch(/^2026-01-05: \d+ /);
    }
    expect(series.days.map((d) => d.sent)).toEqual([12, 0, 10, 0]);
    expect(series.days.map((d) => d.opens)).toEqual([5, 2, 0, 3]);
    // Axes and legend are there, and the markers sit inside the drawing.
    expect(await chart.locator("line.axis").count()).toBeGreaterThanOrEqual(2);
    expect(await chart.locator(".legend text").allTextContents()).toEqual([
      "Sent (22)",
      "Opens (10)",
      "Clicks (2)",
      "Replies (2)",
    ]);
    const box = (await chart.boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
  });

  it("lists campaigns on the index and links to each page, on the session cookie alone", async () => {
    await page.goto(`${test.host.url}/dashboard`);
    const link = page.locator(`#campaigns tr[data-campaign="${campaignId}"] a`);
    expect(await link.textContent()).toBe(HOSTILE_NAME);
    await link.click();
    await page.waitForURL(`${test.host.url}/dashboard/campaigns/${campaignId}`);
    expect(await page.locator("#campaign-name").textContent()).toBe(HOSTILE_NAME);
  });

  it("ran into no console error, blocked resource or failed request", () => {
    expect(problems).toEqual([]);
  });
});

describe.skipIf(skip)("the dashboard's sign-in in a browser", () => {
  it("answers 401 with a page saying how to get in, without a key or with a wrong one", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const bare = await page.goto(`${test.host.url}/dashboard/campaigns/${campaignId}`);
      expect(bare!.status()).toBe(401);
      expect(await page.locator("h1").textContent()).toBe("The dashboard needs the API key");
      expect(await page.locator("#metrics-table").count()).toBe(0);
      const wrong = await page.goto(`${test.host.url}/dashboard?key=not-the-key-at-all`);
      expect(wrong!.status()).toBe(401);
      expect(await page.locator("main").textContent()).toContain("not valid");
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("signs in from a link on another site, where a SameSite=Strict cookie would miss a redirect", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems = watch(page);
      const target = `${test.host.url}/dashboard/campaigns/${campaignId}?key=${encodeURIComponent(TEST_API_KEY)}`;
      // about:blank has an opaque origin: following its link is a cross-site navigation.
      await page.setContent(`<a id="go" href="${target}">dashboard</a>`);
      await page.click("#go");
      await page.waitForURL(`${test.host.url}/dashboard/campaigns/${campaignId}`);
      await page.waitForLoadState();
      expect(await page.locator("h1").textContent()).toContain(HOSTILE_NAME);
      expect(await page.locator("#metrics-table").count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
