/** One per-recipient block of an RFC 3464 delivery status report. */
export interface DeliveryStatusRecipient {
  /** Address from `Final-Recipient` (the `rfc822;` type removed), lower-cased. */
  finalRecipient: string | null;
  originalRecipient: string | null;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lower-cased. */
  action: string | null;
  /** Enhanced status code (`5.1.1`), or null. */
  status: string | null;
  diagnosticCode: string | null;
}

/** The fields of a `message/delivery-status` part. */
export interface DeliveryStatus {
  envelopeId: string | null;
  reportingMta: string | null;
  recipients: DeliveryStatusRecipient[];
}

/** An enhanced status code (RFC 3463) that is not part of a longer dotted number such as an IP. */
export const ENHANCED_STATUS = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/;

/**
 * Parses the text of a `message/delivery-status` part: per-message fields, then one block of
 * per-recipient fields per recipient, blocks separated by blank lines, header-style folding allowed.
 */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks = text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map(parseFields)
    .filter((fields) => fields.size > 0);
  const perMessage = blocks[0] && !isRecipientBlock(blocks[0]) ? blocks.shift()! : new Map<string, string>();
  return {
    envelopeId: perMessage.get("original-envelope-id") ?? null,
    reportingMta: stripType(perMessage.get("reporting-mta")),
    recipients: blocks.filter(isRecipientBlock).map((fields) => ({
      finalRecipient: address(fields.get("final-recipient")),
      originalRecipient: address(fields.get("original-recipient")),
      action: fields.get("action")?.toLowerCase().split(/[\s(]/)[0] ?? null,
      status: fields.get("status")?.match(ENHANCED_STATUS)?.slice(1, 4).join(".") ?? null,
      diagnosticCode: stripType(fields.get("diagnostic-code")),
    })),
  };
}

/** Header fields of a header block (up to its first blank line), by lower-case name; first wins. */
export function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (line.trim() === "") {
      if (fields.size > 0) break;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (last !== null) fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      last = null;
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (fields.has(name)) {
      last = null;
      continue;
    }
    fields.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return fields;
}

function isRecipientBlock(fields: Map<string, string>): boolean {
  return fields.has("final-recipient") || fields.has("action") || fields.has("status");
}

/** Drops the `rfc822;` / `dns;` / `smtp;` type prefix of a DSN field. */
function stripType(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(";");
  const stripped = (semi >= 0 && semi < 20 ? value.slice(semi + 1) : value).trim();
  return stripped === "" ? null : stripped;
}

function address(value: string | undefined): string | null {
  const stripped = stripType(value);
  if (stripped === null) return null;
  const bare = stripped.replace(/^<|>$/g, "").trim().toLowerCase();
  return bare === "" ? null : bare;
}
