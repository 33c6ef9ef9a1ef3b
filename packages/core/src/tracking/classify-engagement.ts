import {
  APPLE_PRIVACY_PROXY_AGENT,
  IMAGE_PROXY_AGENT,
  isAppleAddress,
  MACHINE_AGENT_RULES,
  type MachineReason,
  matchAgent,
  OFFICE_LINK_CHECK_AGENT,
} from "./machine-agents.js";

/** What a tracking request tells about who made it. */
export interface EngagementRequest {
  userAgent: string | null | undefined;
  /** HTTP method of the request (`GET`, `HEAD`). */
  method: string;
  /** Seconds from the email's send to this request; null when the send time is unknown. */
  secondsSinceSent: number | null;
  ip?: string | null;
}

/** A click request, plus how many distinct links of the same email were clicked within one second. */
export interface ClickRequest extends EngagementRequest {
  /** Distinct links of this email clicked within one second of this click, this one included. */
  linksClickedWithinSecond?: number;
}

/** The verdict: `machine` engagement is counted apart from human engagement. */
export interface EngagementVerdict {
  machine: boolean;
  /** Why it looked automatic; null for human. */
  reason: MachineReason | null;
}

/** Options of `classifyOpen` and `classifyClick`. */
export interface EngagementOptions {
  /** Engagement sooner than this after sending is treated as a scanner's (opens 5 s, clicks 10 s). */
  minSecondsAfterSend?: number;
}

/** Default of `minSecondsAfterSend` for opens: gateways fetch images within seconds of delivery. */
export const MIN_SECONDS_TO_OPEN = 5;
/** Default of `minSecondsAfterSend` for clicks: a person must first open, read and find the link. */
export const MIN_SECONDS_TO_CLICK = 10;

const HUMAN: EngagementVerdict = { machine: false, reason: null };
const machine = (reason: MachineReason): EngagementVerdict => ({ machine: true, reason });

/**
 * Judges whether an open (a fetch of the tracking pixel) was a person's or a machine's. Machine:
 * HEAD requests, fetches within `minSecondsAfterSend` of sending, no user agent, Apple Mail Privacy
 * Protection (bare `Mozilla/5.0` or an Apple 17.0.0.0/8 address), scanners, HTTP libraries,
 * headless browsers, previewers and crawlers. Gmail's and Yahoo's image proxies fetch when the
 * recipient opens the mail, so they count as human.
 *
 * ```ts
 * classifyOpen({ userAgent: "Mozilla/5.0", method: "GET", secondsSinceSent: 40 });
 * // { machine: true, reason: "apple_mail_privacy_protection" }
 * ```
 */
export function classifyOpen(request: EngagementRequest, options: EngagementOptions = {}): EngagementVerdict {
  const common = classifyCommon(request, options.minSecondsAfterSend ?? MIN_SECONDS_TO_OPEN);
  if (common) return common;
  const agent = request.userAgent!.trim();
  if (IMAGE_PROXY_AGENT.test(agent)) return HUMAN;
  if (APPLE_PRIVACY_PROXY_AGENT.test(agent) || isAppleAddress(request.ip)) {
    return machine("apple_mail_privacy_protection");
  }
  const rule = matchAgent(agent, MACHINE_AGENT_RULES);
  return rule ? machine(rule.reason) : HUMAN;
}

/**
 * Judges whether a click was a person's or a machine's: like `classifyOpen`, plus Office's link
 * check (`ms-office` agents that probe a link before the browser opens it), image proxies (which
 * never click), and bursts of several links within one second (a scanner following every link).
 * An Apple address alone is not a machine here: a person clicking behind iCloud Private Relay
 * comes from one too.
 */
export function classifyClick(request: ClickRequest, options: EngagementOptions = {}): EngagementVerdict {
  const common = classifyCommon(request, options.minSecondsAfterSend ?? MIN_SECONDS_TO_CLICK);
  if (common) return common;
  const agent = request.userAgent!.trim();
  if (APPLE_PRIVACY_PROXY_AGENT.test(agent)) return machine("apple_mail_privacy_protection");
  if (IMAGE_PROXY_AGENT.test(agent)) return machine("image_proxy");
  if (OFFICE_LINK_CHECK_AGENT.test(agent)) return machine("office_link_check");
  const rule = matchAgent(agent, MACHINE_AGENT_RULES);
  if (rule) return machine(rule.reason);
  if ((request.linksClickedWithinSecond ?? 0) >= 2) return machine("link_burst");
  return HUMAN;
}

function classifyCommon(request: EngagementRequest, minSeconds: number): EngagementVerdict | null {
  const method = request.method.toUpperCase();
  if (method === "HEAD") return machine("head_request");
  if (method !== "GET") return machine("unexpected_method");
  if (request.secondsSinceSent !== null && request.secondsSinceSent < minSeconds) {
    return machine("too_soon_after_send");
  }
  if (!request.userAgent || request.userAgent.trim() === "") return machine("no_user_agent");
  return null;
}
