import { describe, expect, it } from "vitest";
import { classifyClick, classifyOpen } from "./classify-engagement.js";
import { type AgentRule, matchAgent } from "./machine-agents.js";

const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const APPLE_MAIL = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const GMAIL_PROXY =
  "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
const YAHOO_PROXY = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html";
const OUTLOOK_DESKTOP = "Mozilla/4.0 (compatible; ms-office; MSOffice 16) Microsoft Outlook 16.0.17328; Pro";
const OFFICE_CHECK = "Mozilla/4.0 (compatible; ms-office; MSOffice rmj)";
const CUBOT_PHONE =
  "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

const open = (
  userAgent: string | null,
  extra: { method?: string; seconds?: number | null; ip?: string } = {},
) =>
  classifyOpen({
    userAgent,
    method: extra.method ?? "GET",
    secondsSinceSent: extra.seconds === undefined ? 3600 : extra.seconds,
    ip: extra.ip ?? null,
  });

describe("classifyOpen", () => {
  const table: [string, ReturnType<typeof open>, ReturnType<typeof open>["reason"]][] = [
    ["a desktop browser (webmail)", open(CHROME), null],
    ["Apple Mail without privacy protection", open(APPLE_MAIL), null],
    ["Outlook desktop rendering images", open(OUTLOOK_DESKTOP), null],
    ["Gmail's image proxy, which fetches on a human open", open(GMAIL_PROXY), null],
    ["Yahoo's image proxy", open(YAHOO_PROXY), null],
    ["a phone whose model ends in 'bot'", open(CUBOT_PHONE), null],
    ["an unknown send time", open(CHROME, { seconds: null }), null],
    ["Apple Mail Privacy Protection's bare agent", open("Mozilla/5.0"), "apple_mail_privacy_protection"],
    ["an Apple 17.0.0.0/8 address", open(APPLE_MAIL, { ip: "17.58.101.4" }), "apple_mail_privacy_protection"],
    [
      "an IPv4-mapped Apple address",
      open(CHROME, { ip: "::ffff:17.1.2.3" }),
      "apple_mail_privacy_protection",
    ],
    ["a HEAD request", open(CHROME, { method: "HEAD" }), "head_request"],
    ["a POST", open(CHROME, { method: "POST" }), "unexpected_method"],
    ["within 5 s of sending", open(CHROME, { seconds: 4.9 }), "too_soon_after_send"],
    ["a clock that puts the open before the send", open(CHROME, { seconds: -30 }), "too_soon_after_send"],
    ["no user agent", open(null), "no_user_agent"],
    ["a blank user agent", open("   "), "no_user_agent"],
    ["Barracuda", open("Barracuda Sentinel (EE)"), "security_scanner"],
    ["Mimecast", open("Mozilla/5.0 (compatible; Mimecast URL Protect)"), "security_scanner"],
    ["Proofpoint", open("Proofpoint-URLDefense/1.0"), "security_scanner"],
    ["Symantec", open("Symantec Email Security.cloud"), "security_scanner"],
    ["python-requests", open("python-requests/2.31.0"), "http_library"],
    ["curl", open("curl/8.5.0"), "http_library"],
    ["Go", open("Go-http-client/1.1"), "http_library"],
    ["headless Chrome", open(CHROME.replace("Chrome/", "HeadlessChrome/")), "headless_browser"],
    ["Slack's unfurler", open("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"), "link_preview"],
    [
      "a declared crawler",
      open("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
      "crawler",
    ],
  ];
  for (const [name, verdict, reason] of table) {
    it(`${reason ? "machine" : "human"}: ${name}`, () => {
      expect(verdict).toEqual({ machine: reason !== null, reason });
    });
  }

  it("takes its threshold from the options", () => {
    const request = { userAgent: CHROME, method: "GET", secondsSinceSent: 20 };
    expect(classifyOpen(request, { minSecondsAfterSend: 30 }).reason).toBe("too_soon_after_send");
    expect(classifyOpen(request).machine).toBe(false);
  });
});

describe("classifyClick", () => {
  const click = (
    userAgent: string | null,
    extra: { method?: string; seconds?: number; ip?: string; burst?: number } = {},
  ) =>
    classifyClick({
      userAgent,
      method: extra.method ?? "GET",
      secondsSinceSent: extra.seconds ?? 3600,
      ip: extra.ip ?? null,
      linksClickedWithinSecond: extra.burst ?? 1,
    });

  const table: [string, ReturnType<typeof click>, ReturnType<typeof click>["reason"]][] = [
    ["a desktop browser", click(CHROME), null],
    ["Safari behind iCloud Private Relay (Apple address)", click(IPHONE_SAFARI, { ip: "17.0.0.9" }), null],
    ["a HEAD probe", click(CHROME, { method: "HEAD" }), "head_request"],
    ["within 10 s of sending", click(CHROME, { seconds: 9 }), "too_soon_after_send"],
    ["Office checking the link before opening the browser", click(OFFICE_CHECK), "office_link_check"],
    ["an image proxy, which never clicks", click(GMAIL_PROXY), "image_proxy"],
    ["the bare Mozilla/5.0 agent", click("Mozilla/5.0"), "apple_mail_privacy_protection"],
    ["every link at once", click(CHROME, { burst: 4 }), "link_burst"],
    ["a scanner", click("Mozilla/5.0 (compatible; Barracuda)"), "security_scanner"],
    ["wget", click("Wget/1.21.4"), "http_library"],
    ["no agent", click(""), "no_user_agent"],
  ];
  for (const [name, verdict, reason] of table) {
    it(`${reason ? "machine" : "human"}: ${name}`, () => {
      expect(verdict).toEqual({ machine: reason !== null, reason });
    });
  }
});

describe("matchAgent", () => {
  const rules = [
    { pattern: /scanner/i, reason: "security_scanner" },
    { pattern: /curl/i, reason: "http_library" },
  ] as const satisfies readonly AgentRule[];

  it("answers a repeated agent the same as its first time, agent by agent and rules by rules", () => {
    const agents = ["Mozilla/5.0 Scanner", "curl/8.4", "Mozilla/5.0 (Macintosh)", `x${"a".repeat(600)} curl`];
    for (let round = 0; round < 3; round++) {
      expect(agents.map((a) => matchAgent(a, rules)?.reason ?? null)).toEqual([
        "security_scanner",
        "http_library",
        null,
        "http_library",
      ]);
      // Another rules array is judged by its own rules, not by what the first one answered.
      expect(matchAgent("curl/8.4", [rules[0]])).toBeNull();
    }
  });

  it("keeps judging correctly past the number of agents it remembers", () => {
    for (let i = 0; i < 12_000; i++) {
      const agent = i % 3 === 0 ? `curl/${i}` : `Mozilla/5.0 reader ${i}`;
      expect(matchAgent(agent, rules)?.reason ?? null).toBe(i % 3 === 0 ? "http_library" : null);
    }
  });
});
