import type { EmailSegment } from "../render/index.js";
import { applyDecoration, type DecorationPlan, planDecoration } from "../tracking/decoration-plan.js";
import {
  createTokenSigner,
  createTrackingUrls,
  decorateHtml,
  openPixelMarkup,
  senderFooter,
  senderUnsubscribeHeaders,
  type TokenSigner,
} from "../tracking/index.js";

/** How tracking and unsubscribe links are built. */
export interface TrackingOptions {
  /** Public base URL of the tracking handlers (a custom tracking domain), e.g. `https://t.example.com/t`. */
  baseUrl: string;
  /** HMAC secrets; the first signs, all verify (rotate by prepending a new one). */
  secrets: string[];
  /**
   * Where unsubscribe links point, when not at `<baseUrl>/unsubscribe`: the token is appended as the
   * last path segment (e.g. `https://example.com/api/unsubscribe` → `…/api/unsubscribe/<token>`).
   */
  unsubscribeBaseUrl?: string | null;
  /** Optional `mailto:` address for List-Unsubscribe, next to the one-click HTTPS URL. */
  unsubscribeMailto?: string | null;
  /** When set, every email gets a footer with this postal address and the unsubscribe link. */
  footer?: { postalAddress: string } | null;
}

/** The signed links of one email: known before it is rendered, applied once it is. */
export interface EmailLinks {
  unsubscribeUrl: string;
  headers: Record<string, string>;
  /**
   * Rewrites links for click tracking and adds the open pixel and the footer, as the campaign
   * asks, in one pass over the HTML. Given the compiled HTML's segments and what its placeholders
   * printed, it builds the same result from a plan made once per compiled email, without
   * scanning the document again.
   */
  decorate(
    content: {
      html: string;
      text: string;
      parts?: { segments: readonly EmailSegment[]; values: readonly string[] };
    },
    options: { trackOpens: boolean; trackClicks: boolean },
  ): { html: string; text: string; links: string[] };
}

/** Builds signed tracking URLs and decorates rendered emails with them. Internal to the engine. */
export interface TrackingLinks {
  readonly signer: TokenSigner;
  readonly options: TrackingOptions;
  /** The links of one email, signed synchronously (no await per email or per token). */
  linksFor(emailId: string): EmailLinks;
}

/**
 * Checks the tracking options once (base URLs, secrets, footer address, mailto), so each email
 * only signs its tokens and builds strings from checked parts.
 */
export function createTrackingLinks(options: TrackingOptions): TrackingLinks {
  const signer = createTokenSigner(options.secrets);
  const urls = createTrackingUrls(options.baseUrl);
  let unsubscribeUrl = urls.unsubscribe;
  if (options.unsubscribeBaseUrl) {
    createTrackingUrls(options.unsubscribeBaseUrl); // validates it like the tracking base
    const base = options.unsubscribeBaseUrl.replace(/\/+$/, "");
    unsubscribeUrl = (token) => `${base}/${token}`;
  }
  const headersFor = senderUnsubscribeHeaders(options.unsubscribeMailto ?? undefined, [
    "tracking",
    "unsubscribeMailto",
  ]);
  const footer = options.footer
    ? senderFooter(options.footer.postalAddress, ["tracking", "footer", "postalAddress"])
    : null;
  // One plan per compiled body, kept while the renderer keeps the body.
  const plans = new WeakMap<readonly EmailSegment[], DecorationPlan | null>();
  const planFor = (segments: readonly EmailSegment[]): DecorationPlan | null => {
    let plan = plans.get(segments);
    if (plan === undefined) {
      // A linkified value prints its own `<a>`: such a body is scanned per email.
      plan = segments.some((s) => typeof s !== "string" && s.linkify)
        ? null
        : planDecoration(segments.map((s) => (typeof s === "string" ? s : null)));
      plans.set(segments, plan);
    }
    return plan;
  };
  return {
    signer,
    options,
    linksFor(emailId) {
      const tokens = signer.forEmail(emailId);
      const url = unsubscribeUrl(tokens.unsubscribe());
      return {
        unsubscribeUrl: url,
        headers: headersFor(url),
        decorate(content, flags) {
          const beforeBodyEnd =
            (footer ? footer.html(url) : "") +
            (flags.trackOpens ? openPixelMarkup(urls.open(tokens.open())) : "");
          const decoration = {
            toTrackedUrl: flags.trackClicks
              ? (_url: string, index: number) => urls.click(tokens.click(index))
              : undefined,
            skip: (link: string) => link === url,
            beforeBodyEnd: beforeBodyEnd === "" ? undefined : beforeBodyEnd,
          };
          const plan = content.parts ? planFor(content.parts.segments) : null;
          const decorated =
            plan && content.parts
              ? applyDecoration(plan, content.parts.values, decoration)
              : decorateHtml(content.html, decoration);
          const text = footer ? `${content.text}\n\n${footer.text(url)}` : content.text;
          return { html: decorated.html, text, links: decorated.links };
        },
      };
    },
  };
}
