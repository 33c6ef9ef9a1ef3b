import { z } from "zod";
import { parseInput } from "../errors.js";
import { escapeHtml } from "./html-entities.js";
import { NO_TRACK_ATTRIBUTE } from "./rewrite-links.js";

const httpUrlSchema = z.url({ protocol: /^https?$/ });
const postalAddressSchema = z.string().trim().min(1).max(500);

/** Options of `unsubscribeFooter`. */
export const unsubscribeFooterOptionsSchema = z.object({
  /** The sender's physical postal address (CAN-SPAM); line breaks are kept. */
  postalAddress: postalAddressSchema,
  unsubscribeUrl: httpUrlSchema,
  format: z.enum(["html", "text"]),
  /** Text of the link (HTML) or label before the URL (text). */
  label: z.string().min(1).max(100).default("Unsubscribe"),
});
export type UnsubscribeFooterOptions = z.input<typeof unsubscribeFooterOptionsSchema>;

/**
 * The footer every campaign email carries: the postal address and a visible unsubscribe link. The
 * HTML link is marked `data-cadenza-notrack`, so click tracking leaves it alone.
 *
 * ```ts
 * unsubscribeFooter({ postalAddress: "Acme, 1 Main St, Springfield", unsubscribeUrl, format: "text" });
 * // "\n\nAcme, 1 Main St, Springfield\nUnsubscribe: https://…\n"
 * ```
 */
export function unsubscribeFooter(options: UnsubscribeFooterOptions): string {
  const { postalAddress, unsubscribeUrl, format, label } = parseInput(
    unsubscribeFooterOptionsSchema,
    options,
    ["options"],
  );
  return footerMarkup(postalAddress, label)[format](unsubscribeUrl);
}

/** One sender's footer in both formats, for an unsubscribe URL the caller has already checked. */
export interface FooterMarkup {
  html(unsubscribeUrl: string): string;
  text(unsubscribeUrl: string): string;
}

/**
 * The footer of one sender, its address checked once: the engine then adds each email's own
 * unsubscribe URL (built from a checked base) without validating every email again.
 */
export function senderFooter(postalAddress: string, path: (string | number)[]): FooterMarkup {
  return footerMarkup(parseInput(postalAddressSchema, postalAddress, path), "Unsubscribe");
}

function footerMarkup(postalAddress: string, label: string): FooterMarkup {
  const address = postalAddress.split(/\r?\n/).map(escapeHtml).join("<br>");
  const link = escapeHtml(label);
  return {
    text: (url) => `\n\n${postalAddress}\n${label}: ${url}\n`,
    html: (url) =>
      '<div style="margin-top:24px;font-size:12px;line-height:1.5;color:#6b7280">' +
      `${address}<br><a href="${escapeHtml(url)}" ${NO_TRACK_ATTRIBUTE} ` +
      `style="color:#6b7280;text-decoration:underline">${link}</a></div>`,
  };
}

// Built once: the engine calls this for every email it sends.
const listUnsubscribeOptionsSchema = z.object({ url: httpUrlSchema, mailto: z.email().optional() });
const mailtoSchema = z.email().optional();

/**
 * The `List-Unsubscribe` and `List-Unsubscribe-Post` headers of RFC 2369 and RFC 8058 (one-click),
 * which Gmail and Yahoo require of bulk senders. `mailto` adds a mail fallback.
 */
export function listUnsubscribeHeaders(options: { url: string; mailto?: string }): Record<string, string> {
  const { url, mailto } = parseInput(listUnsubscribeOptionsSchema, options, ["options"]);
  return unsubscribeHeaders(mailto)(url);
}

/**
 * `listUnsubscribeHeaders` of one sender, its `mailto` checked once, for unsubscribe URLs the caller
 * has already checked (the engine's own, one per email).
 */
export function senderUnsubscribeHeaders(
  mailto: string | undefined,
  path: (string | number)[],
): (url: string) => Record<string, string> {
  return unsubscribeHeaders(parseInput(mailtoSchema, mailto, path));
}

function unsubscribeHeaders(mailto: string | undefined): (url: string) => Record<string, string> {
  const fallback = mailto ? `, <mailto:${mailto}?subject=unsubscribe>` : "";
  return (url) => ({
    "List-Unsubscribe": `<${url}>${fallback}`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  });
}
