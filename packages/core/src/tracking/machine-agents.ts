/** Why an open or click was judged automatic; stable codes, safe to store and count. */
export type MachineReason =
  | "head_request"
  | "unexpected_method"
  | "too_soon_after_send"
  | "no_user_agent"
  | "apple_mail_privacy_protection"
  | "security_scanner"
  | "http_library"
  | "headless_browser"
  | "crawler"
  | "link_preview"
  | "office_link_check"
  | "image_proxy"
  | "link_burst";

/** A user-agent pattern and what it means. */
export interface AgentRule {
  pattern: RegExp;
  reason: MachineReason;
}

/** Mail security gateways that fetch images and follow links to scan them. */
const SCANNERS: AgentRule[] = [
  /barracuda/i,
  /mimecast/i,
  /proofpoint/i,
  /symantec|messagelabs/i,
  /forcepoint|websense/i,
  /ironport|cisco/i,
  /trend ?micro/i,
  /sophos/i,
  /fireeye|trellix/i,
  /mcafee/i,
  /zscaler/i,
  /avanan|checkpoint/i,
  /safelinks|safe links/i,
  /microsoft-office-scanner/i,
].map((pattern) => ({ pattern, reason: "security_scanner" }));

/** HTTP client libraries and command-line tools: never a person's mail client. */
const LIBRARIES: AgentRule[] = [
  /python-requests|python-urllib|python\/|aiohttp|httpx\//i,
  /^curl\/|^wget\/|libcurl/i,
  /go-http-client/i,
  /okhttp|^java\/|apache-httpclient|jakarta/i,
  /libwww-perl|lwp::|^ruby|faraday|^guzzlehttp|^php\//i,
  /node-fetch|^axios\/|^undici|^got \(|^node$/i,
  /postmanruntime|insomnia|httpie/i,
  /scrapy|^ahc\//i,
].map((pattern) => ({ pattern, reason: "http_library" }));

const HEADLESS: AgentRule[] = [/headlesschrome|phantomjs|puppeteer|playwright|selenium|slimerjs/i].map(
  (pattern) => ({ pattern, reason: "headless_browser" }),
);

/** Link unfurlers of chat apps and social networks: they fetch a link when it is pasted or shared. */
const PREVIEWS: AgentRule[] = [
  /slackbot|slack-imgproxy|discordbot|telegrambot|whatsapp|skypeuripreview|facebookexternalhit|bingpreview|embedly|iframely/i,
].map((pattern) => ({ pattern, reason: "link_preview" }));

/** Declared crawlers: `…bot/1.0`, `…bot-…`, a standalone `bot`, `crawler`, `spider`, or a `+http` contact URL. */
const CRAWLERS: AgentRule[] = [/bot\/|bot-|\bbot\b|crawler|spider|\+https?:\/\//i].map((pattern) => ({
  pattern,
  reason: "crawler",
}));

/** Rules shared by opens and clicks, most specific first. */
export const MACHINE_AGENT_RULES: readonly AgentRule[] = [
  ...SCANNERS,
  ...LIBRARIES,
  ...HEADLESS,
  ...PREVIEWS,
  ...CRAWLERS,
];

/**
 * Apple Mail Privacy Protection fetches remote content through Apple's proxies with the bare
 * user agent `Mozilla/5.0`; no browser sends that alone.
 */
export const APPLE_PRIVACY_PROXY_AGENT = /^Mozilla\/5\.0$/i;

/** Office apps check a link (UA with `ms-office` or `Microsoft Office`) before handing it to the browser. */
export const OFFICE_LINK_CHECK_AGENT = /ms-office|microsoft office|msoffice/i;

/** Mail providers' image proxies. They fetch when a person opens the mail, so their opens count. */
export const IMAGE_PROXY_AGENT = /googleimageproxy|yahoomailproxy|ggpht\.com/i;

/**
 * The first rule a user agent matches, or null. Answers are kept per rules array (up to 5,000
 * agents of at most 512 characters), so a rules array must not change once it has been used.
 */
export function matchAgent(userAgent: string, rules: readonly AgentRule[]): AgentRule | null {
  // Opens and clicks come from a few thousand distinct agents at most: each is matched once.
  let seen = matchedAgents.get(rules);
  if (!seen) {
    seen = new Map();
    matchedAgents.set(rules, seen);
  }
  const known = seen.get(userAgent);
  if (known !== undefined) return known;
  const rule = rules.find((r) => r.pattern.test(userAgent)) ?? null;
  if (userAgent.length > MAX_KEPT_AGENT_CHARS) return rule;
  if (seen.size >= MAX_MATCHED_AGENTS) seen.clear();
  seen.set(userAgent, rule);
  return rule;
}

const MAX_MATCHED_AGENTS = 5_000;
const MAX_KEPT_AGENT_CHARS = 512;
const matchedAgents = new WeakMap<readonly AgentRule[], Map<string, AgentRule | null>>();

/** True for an address in Apple's 17.0.0.0/8, where Mail Privacy Protection fetches from. */
export function isAppleAddress(ip: string | null | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.trim().replace(/^::ffff:/i, "");
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
