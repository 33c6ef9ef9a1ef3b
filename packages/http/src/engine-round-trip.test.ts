import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Cadenza, createCadenza } from "@cadenza/core";
import {
  FakeClock,
  memoryStore,
  recordingTransport,
  seededRandom,
  sequentialIds,
} from "@cadenza/core/testing";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cadenzaTrackingEngine } from "./cadenza-tracking-engine.js";
import { toNodeHandler } from "./node-handler.js";
import { createTrackingHandlers, type TrackingHandlers } from "./tracking-handlers.js";

const SECRET = "round-trip-secret-that-is-long-enough";
const INBOUND_SECRET = "inbound-secret";
const HUMAN_AGENT =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Thunderbird/128.0";
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), "utf8");

/**
 * The real engine (in-memory store, fake clock) behind the real handlers over real HTTP: what a host
 * runs, minus the database.
 */
describe("tracking round trips through the engine", () => {
  const clock = new FakeClock("2026-01-05T10:00:00Z");
  const store = memoryStore();
  const transport = recordingTransport();
  let baseUrl = "";
  let close: () => Promise<void> = async () => {};
  let campaignId = "";
  let cadenza: Cadenza;
  let handlers: TrackingHandlers;

  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Links point at the listening server, whose port is known only now.
    cadenza = createCadenza({
      store,
      transport,
      clock,
      random: seededRandom(2),
      ids: sequentialIds(8),
      sender: { name: "Ana", email: "ana@sender.example" },
      messageIdDomain: "sender.example",
      tracking: { baseUrl: `${baseUrl}/t`, secrets: [SECRET] },
    });
    handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), {
      basePath: "/t",
      inboundSecret: INBOUND_SECRET,
    });
    server.on("request", toNodeHandler(handlers));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));

    const campaign = await cadenza.campaigns.create({
      name: "Round trip",
      abTestingEnabled: true,
      steps: [
        {
          stepNumber: 1,
          variantA: {
            subject: "Hello {{first_name}}",
            body: "Hi {{first_name}}, see https://example.com/offer and https://example.com/pricing",
          },
          variantB: {
            subject: "Hey {{first_name}}",
            body: "Hey {{first_name}}, look: https://example.com/offer",
          },
        },
        { stepNumber: 2, delayDays: 3, variantA: { subject: "", body: "Following up." } },
      ],
    });
    campaignId = campaign.id;
    await cadenza.prospects.upsert(
      Array.from({ length: 10 }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
    );
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    await cadenza.dispatch.tick();
    clock.advance(60_000);
  });
  afterAll(() => close());

  const links = (html: string) =>
    [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
  const pixel = (html: string) => /<img src="([^"]+\/t\/open\/[^"]+)"/.exec(html)![1]!;
  // Opens and clicks are answered before their write: counters are read once the handlers flushed.
  const stepCounters = async () => {
    await handlers.flush();
    return (await cadenza.counters(campaignId)).steps.filter((s) => s.stepNumber === 1);
  };
  const sum = async (
    field:
      | "opens"
      | "clicks"
      | "machineOpens"
      | "unsubscribes"
      | "replies"
      | "bouncedHard"
      | "bouncedSoft"
      | "complaints",
  ) => (await stepCounters()).reduce((n, s) => n + s[field], 0);

  it("records a human open once and keeps an automatic fetch apart", async () => {
    const email = transport.sent[0]!;
    const head = await fetch(pixel(email.html!), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await sum("machineOpens")).toBe(1);
    expect(await sum("opens")).toBe(0);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(pixel(email.html!), { headers: { "user-agent": HUMAN_AGENT } });
      expect(response.headers.get("content-type")).toBe("image/gif");
      expect(response.headers.get("cache-control")).toContain("no-store");
    }
    expect(await sum("opens")).toBe(1);
  });

  it("redirects a click to the email's own link only, counting it as an open too", async () => {
    const email = transport.sent[1]!;
    const [offer] = links(email.html!);
    const response = await fetch(`${offer}?url=https://evil.example/`, {
      redirect: "manual",
      headers: { "user-agent": HUMAN_AGENT },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://example.com/offer");
    const opensBefore = await sum("opens");
    expect(await sum("clicks")).toBe(1);
    expect(opensBefore).toBe(2);
  });

  it("records nothing for forged, tampered or cross-kind tokens", async () => {
    const email = transport.sent[2]!;
    const open = pixel(email.html!);
    const token = open.slice(open.lastIndexOf("/") + 1);
    const tampered = token.slice(0, 20) + (token[20] === "A" ? "B" : "A") + token.slice(21);
    const before = await stepCounters();
    expect(
      (await fetch(`${baseUrl}/t/open/${tampered}`, { headers: { "user-agent": HUMAN_AGENT } })).status,
    ).toBe(200);
    expect((await fetch(`${baseUrl}/t/click/${token}`, { redirect: "manual" })).status).toBe(404);
    expect(
      (
        await fetch(`${baseUrl}/t/unsubscribe/${token}`, {
          method: "POST",
          body: "List-Unsubscribe=One-Click",
        })
      ).status,
    ).toBe(404);
    expect(await stepCounters()).toEqual(before);
  });

  it("unsubscribes with an RFC 8058 one-click POST, idempotently, and never on GET", async () => {
    const email = transport.sent[3]!;
    const url = /<([^>]+)>/.exec(email.headers["List-Unsubscribe"]!)![1]!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<form");
    expect(await sum("unsubscribes")).toBe(0);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
        redirect: "manual",
      });
      expect(response.status).toBe(200);
    }
    expect(await sum("unsubscribes")).toBe(1);
    expect(await store.findSuppressed([email.to.email])).toEqual(new Set([email.to.email]));
    const lead = await store.getLead(email.idempotencyKey.split(":")[0]!);
    expect(lead).toMatchObject({ status: "unsubscribed", nextEmailAt: null });
  });

  it("applies real inbound mail: replies, an out-of-office, bounce, delay and complaint reports, and mail that matches nothing", async () => {
    // The fixtures answer emails 1–8 of a sender; point them at the emails this engine sent (1–6 at
    // the 5th to 10th, 7 and 8 at the 3rd and 2nd), in angle brackets or bare as an envelope id.
    const sentFor = (n: number) => transport.sent[n <= 6 ? 3 + n : 9 - n]!;
    const fill = (raw: string) =>
      raw
        .replace(
          /<0192f0c4-000(\d)-7000-8000-00000000000\d@sender\.example>/g,
          (_, n: string) => sentFor(Number(n)).messageId,
        )
        .replace(/0192f0c4-000(\d)-7000-8000-00000000000\d@sender\.example/g, (_, n: string) =>
          sentFor(Number(n)).messageId.slice(1, -1),
        );
    const post = async (name: string) => {
      const response = await fetch(`${baseUrl}/t/inbound`, {
        method: "POST",
        headers: { authorization: `Bearer ${INBOUND_SECRET}`, "content-type": "message/rfc822" },
        body: fill(fixture(name)),
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await post("gmail-reply.eml")).toMatchObject({ kind: "reply", matched: true });
    expect(await post("outlook-reply.eml")).toMatchObject({ kind: "reply", matched: true });
    expect(await post("exchange-out-of-office.eml")).toMatchObject({ kind: "auto_reply", matched: true });
    expect(await post("postfix-dsn-5.1.1.eml")).toMatchObject({ kind: "bounce", matched: true });
    // A delay warning: recorded, not counted.
    expect(await post("mailbox-full-4.2.2.eml")).toMatchObject({ kind: "delay", matched: true });
    expect(await post("yahoo-arf-complaint.eml")).toMatchObject({ kind: "complaint", matched: true });
    // No returned headers: matched by its envelope id, whatever address it names.
    expect(await post("exchange-online-ndr-5.1.10.eml")).toMatchObject({ kind: "bounce", matched: true });
    expect(await post("reply-no-match.eml")).toMatchObject({ matched: false });
    expect(await sum("replies")).toBe(2);
    expect(await sum("bouncedHard")).toBe(2);
    expect(await sum("bouncedSoft")).toBe(0);
    expect(await sum("complaints")).toBe(1);
    const status = (i: number) =>
      store.getLead(transport.sent[i]!.idempotencyKey.split(":")[0]!).then((l) => l?.status);
    expect(await status(5)).toBe("replied");
    expect(await status(6)).toBe("replied");
    expect(await status(8)).toBe("bounced");
    expect(await status(9)).toBe("active");
    expect(await status(2)).toBe("unsubscribed");
    expect(await status(1)).toBe("bounced");
    expect(await store.findSuppressed([transport.sent[2]!.to.email])).toEqual(
      new Set([transport.sent[2]!.to.email]),
    );
  });

  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const haveChromium = existsSync(chromiumPath);
  if (!haveChromium && process.env.CI !== "true") {
    console.warn(`SKIPPING the browser test: no Chromium at ${chromiumPath} (apt-get install chromium)`);
  }

  it.skipIf(!haveChromium && process.env.CI !== "true")(
    "records an open when a real browser renders the email",
    async () => {
      const email = transport.sent[4]!;
      const before = await sum("opens");
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
        ],
      });
      try {
        const page = await (await browser.newContext({ userAgent: HUMAN_AGENT })).newPage();
        const loaded = page.waitForResponse((r) => r.url().includes("/t/open/"));
        await page.setContent(email.html!);
        expect((await loaded).status()).toBe(200);
      } finally {
        await browser.close();
      }
      expect(await sum("opens")).toBe(before + 1);
      expect(
        (await store.getEmail(email.messageId.slice(1, email.messageId.indexOf("@"))))?.openedAt,
      ).not.toBeNull();
    },
  );
});
