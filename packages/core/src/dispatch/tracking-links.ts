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
   * asks, in one pass over the HTML.
   */
  decorate(
    content: { html: string; text: string },
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
          const decorated = decorateHtml(content.html, {
            toTrackedUrl: flags.trackClicks ? (_url, index) => urls.click(tokens.click(index)) : undefined,
            skip: (link) => link === url,
            beforeBodyEnd: beforeBodyEnd === "" ? undefined : beforeBodyEnd,
          });
          const text = footer ? `${content.text}\n\n${footer.text(url)}` : content.text;
          return { html: decorated.html, text, links: decorated.links };
        },
      };
    },
  };
}
