import {
  createTokenSigner,
  createTrackingUrls,
  findTrackableLinks,
  injectOpenPixel,
  insertBeforeBodyEnd,
  listUnsubscribeHeaders,
  rewriteLinks,
  unsubscribeFooter,
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

/** The links of one email, signed. */
export interface EmailLinks {
  unsubscribeUrl: string;
  headers: Record<string, string>;
}

/** Builds signed tracking URLs and decorates rendered emails with them. Internal to the engine. */
export interface TrackingLinks {
  readonly signer: ReturnType<typeof createTokenSigner>;
  readonly options: TrackingOptions;
  /** The unsubscribe URL and List-Unsubscribe headers of one email. */
  linksFor(emailId: string): Promise<EmailLinks>;
  /** Rewrites links for click tracking, adds the open pixel and the footer, as the campaign asks. */
  decorate(
    emailId: string,
    content: { html: string; text: string },
    options: { trackOpens: boolean; trackClicks: boolean; unsubscribeUrl: string },
  ): Promise<{ html: string; text: string; links: string[] }>;
}

export function createTrackingLinks(options: TrackingOptions): TrackingLinks {
  const signer = createTokenSigner(options.secrets);
  const urls = createTrackingUrls(options.baseUrl);
  let unsubscribeUrl = urls.unsubscribe;
  if (options.unsubscribeBaseUrl) {
    createTrackingUrls(options.unsubscribeBaseUrl); // validates it like the tracking base
    const base = options.unsubscribeBaseUrl.replace(/\/+$/, "");
    unsubscribeUrl = (token) => `${base}/${token}`;
  }
  return {
    signer,
    options,
    async linksFor(emailId) {
      const url = unsubscribeUrl(await signer.sign({ kind: "unsubscribe", emailId }));
      const headers = listUnsubscribeHeaders({
        url,
        mailto: options.unsubscribeMailto ?? undefined,
      });
      return { unsubscribeUrl: url, headers };
    },
    async decorate(emailId, content, flags) {
      let html = content.html;
      let text = content.text;
      if (options.footer) {
        const footer = { postalAddress: options.footer.postalAddress, unsubscribeUrl: flags.unsubscribeUrl };
        html = insertBeforeBodyEnd(html, unsubscribeFooter({ ...footer, format: "html" }));
        text = `${text}\n\n${unsubscribeFooter({ ...footer, format: "text" })}`;
      }
      let links: string[] = [];
      if (flags.trackClicks) {
        const skip = (url: string) => url === flags.unsubscribeUrl;
        links = findTrackableLinks(html, { skip });
        const tokens = await Promise.all(
          links.map((_, linkIndex) => signer.sign({ kind: "click", emailId, linkIndex })),
        );
        html = rewriteLinks(html, (_url, index) => urls.click(tokens[index]!), { skip }).html;
      }
      if (flags.trackOpens) {
        const token = await signer.sign({ kind: "open", emailId });
        html = injectOpenPixel(html, urls.open(token));
      }
      return { html, text, links };
    },
  };
}
