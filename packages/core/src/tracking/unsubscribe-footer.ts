import { z } from "zod";
import { parseInput } from "../errors.js";
import { escapeHtml } from "./html-entities.js";
import { NO_TRACK_ATTRIBUTE } from "./rewrite-links.js";

const httpUrlSchema = z.url({ protocol: /^https?$/ });

/** Options of `unsubscribeFooter`. */
export const unsubscribeFooterOptionsSchema = z.object({
  /** The sender's physical postal address (CAN-SPAM); line breaks are kept. */
  postalAddress: z.string().trim().min(1).max(500),
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
  if (format === "text") return `\n\n${postalAddress}\n${label}: ${unsubscribeUrl}\n`;
  const address = postalAddress.split(/\r?\n/).map(escapeHtml).join("<br>");
  return (
    '<div style="margin-top:24px;font-size:12px;line-height:1.5;color:#6b7280">' +
    `${address}<br><a href="${escapeHtml(unsubscribeUrl)}" ${NO_TRACK_ATTRIBUTE} ` +
    `style="color:#6b7280;text-decoration:underline">${escapeHtml(label)}</a></div>`
  );
}

// Built once: the engine calls this for every email it sends.
const listUnsubscribeOptionsSchema = z.object({ url: httpUrlSchema, mailto: z.email().optional() });

/**
 * The `List-Unsubscribe` and `List-Unsubscribe-Post` headers of RFC 2369 and RFC 8058 (one-click),
 * which Gmail and Yahoo require of bulk senders. `mailto` adds a mail fallback.
 */
export function listUnsubscribeHeaders(options: { url: string; mailto?: string }): Record<string, string> {
  const { url, mailto } = parseInput(listUnsubscribeOptionsSchema, options, ["options"]);
  const targets = [`<${url}>`, ...(mailto ? [`<mailto:${mailto}?subject=unsubscribe>`] : [])];
  return { "List-Unsubscribe": targets.join(", "), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}
