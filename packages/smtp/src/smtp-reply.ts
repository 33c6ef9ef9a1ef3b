/** An enhanced mail system status code (RFC 3463): `class.subject.detail`, e.g. `5.1.1`. */
export interface EnhancedStatusCode {
  /** 2 success, 4 persistent transient failure, 5 permanent failure. */
  class: number;
  /** 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 security/policy. */
  subject: number;
  detail: number;
  /** The code as written, e.g. `5.7.26`. */
  code: string;
}

/** A server reply as RFC 5321 shapes it, with the enhanced status code when the server gave one. */
export interface SmtpReply {
  /** The three-digit reply code, e.g. `550`. */
  basic: number;
  enhanced: EnhancedStatusCode | null;
  /** The reply as received, every line of it. */
  text: string;
}

const BASIC_CODE = /^([2-5]\d\d)(?:[ -]|$)/;
// RFC 3463 puts the enhanced code first in the text of each line; some servers prefix it with `#`,
// and qmail writes it last, as `(#5.7.1)`.
const ENHANCED_CODE = /^#?([245])\.(\d{1,3})\.(\d{1,3})(?=$|[\s;:,.)\]])/;
const TRAILING_ENHANCED_CODE = /\(#([245])\.(\d{1,3})\.(\d{1,3})\)/;

/**
 * Reads the reply code and enhanced status code out of a server reply. `fallbackCode` is the reply
 * code the client already parsed (used when the text does not start with one). Returns null when
 * there is no reply code at all: the server never answered.
 */
export function parseSmtpReply(text: string, fallbackCode?: number): SmtpReply | null {
  const trimmed = text.trim();
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? "";
  const basicMatch = BASIC_CODE.exec(firstLine);
  const basic = basicMatch ? Number(basicMatch[1]) : validReplyCode(fallbackCode);
  if (basic === null) return null;
  const afterBasic = basicMatch ? firstLine.slice(4).trimStart() : firstLine;
  const enhancedMatch = ENHANCED_CODE.exec(afterBasic) ?? TRAILING_ENHANCED_CODE.exec(afterBasic);
  const enhanced = enhancedMatch
    ? {
        class: Number(enhancedMatch[1]),
        subject: Number(enhancedMatch[2]),
        detail: Number(enhancedMatch[3]),
        code: `${enhancedMatch[1]}.${Number(enhancedMatch[2])}.${Number(enhancedMatch[3])}`,
      }
    : null;
  return { basic, enhanced, text: trimmed };
}

function validReplyCode(code: number | undefined): number | null {
  return code !== undefined && Number.isInteger(code) && code >= 200 && code <= 599 ? code : null;
}
