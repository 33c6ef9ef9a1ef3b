import { CadenzaError } from "@cadenza/core";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { type InboundMessage, inboundMessageSchema } from "./core-tracking.js";
import { readStream } from "./read-body.js";

/** Parts of a report kept as text for classification (RFC 3464, RFC 5965, RFC 6533, RFC 8098). */
const REPORT_PART =
  /^(?:message\/(?:delivery-status|global-delivery-status|feedback-report|rfc822|global|global-headers|disposition-notification)|text\/rfc822-headers)$/i;
/** A returned message can be large; its headers are at the start. */
const MAX_REPORT_PART_CHARS = 64 * 1024;
/** Largest message read from a stream by default. */
const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

/** Options of `parseInboundEmail`. */
export interface ParseInboundEmailOptions {
  /** Largest message accepted from a stream, in bytes (default 25 MiB). */
  maxBytes?: number;
}

/**
 * Parses a raw RFC 5322 message (with mailparser) into the `InboundMessage` that
 * `classifyInbound` and `matchKeys` read, keeping delivery-status, feedback-report and returned-message
 * parts as text.
 *
 * ```ts
 * const message = await parseInboundEmail(rawBytes);
 * classifyInbound(message); // { kind: "bounce", bounceType: "hard", status: "5.1.1", … }
 * ```
 */
export async function parseInboundEmail(
  raw: string | Uint8Array | ReadableStream<Uint8Array>,
  options: ParseInboundEmailOptions = {},
): Promise<InboundMessage> {
  const bytes =
    typeof raw === "string" || raw instanceof Uint8Array
      ? raw
      : await readStream(raw, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (bytes === "too_large") throw new CadenzaError("PAYLOAD_TOO_LARGE");
  const parsed = await simpleParser(typeof bytes === "string" ? bytes : Buffer.from(bytes), {
    keepDeliveryStatus: true,
    ignoreEmbedded: true,
    keepCidLinks: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    maxHtmlLengthToParse: 2_000_000,
  });
  return toInboundMessage(parsed);
}

function toInboundMessage(parsed: ParsedMail): InboundMessage {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(":") + 1)
      .replace(/\r?\n[ \t]+/g, " ")
      .trim();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}\n${value}`;
  }
  const reportParts = parsed.attachments
    .filter((a) => REPORT_PART.test(a.contentType))
    .map((a) => ({
      contentType: a.contentType.toLowerCase(),
      content: a.content.subarray(0, MAX_REPORT_PART_CHARS).toString("utf8"),
    }));
  const attachments = parsed.attachments
    .filter((a) => !REPORT_PART.test(a.contentType))
    .map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size }));
  const from = addresses(parsed.from)[0] ?? null;
  const references = parsed.references === undefined ? [] : [parsed.references].flat();
  // mailparser gives "now" for an unreadable Date header; an unknown date is more honest.
  const date =
    headers.date !== undefined && !Number.isNaN(Date.parse(headers.date)) ? (parsed.date ?? null) : null;
  return inboundMessageSchema.parse({
    messageId: parsed.messageId ?? null,
    from,
    to: [...addresses(parsed.to), ...addresses(parsed.cc)],
    subject: parsed.subject ?? "",
    date,
    headers,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
    inReplyTo: parsed.inReplyTo ?? null,
    references,
    reportParts,
    attachments,
  });
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  if (!field) return [];
  const flat = (list: AddressObject["value"]): { address: string; name: string }[] =>
    list.flatMap((a) =>
      a.group ? flat(a.group) : a.address ? [{ address: a.address, name: a.name ?? "" }] : [],
    );
  return [field].flat().flatMap((f) => flat(f.value));
}
