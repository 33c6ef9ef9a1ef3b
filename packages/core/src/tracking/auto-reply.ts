import type { InboundMessage } from "./inbound-message.js";

/** Which signal marked a message as an automatic reply. */
export type AutoReplySignal = "auto_submitted" | "autoreply_header" | "precedence" | "inbox_rule" | "subject";

/**
 * Subjects of out-of-office replies in English, German, French and Spanish, as clients write them:
 * at the start (after an optional `Re:`/`AW:`…), and followed by `:`, a dash, or the end. A person
 * writing "Out of office coverage" is not matched.
 */
const AUTO_REPLY_SUBJECT = new RegExp(
  "^(?:(?:re|aw|wg|fw|fwd|tr|rv|sv)\\s*:\\s*)*" +
    "(?:out of (?:the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|away from (?:the )?office|" +
    "abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|" +
    "réponse automatique|reponse automatique|absence du bureau|absent\\(e\\)|absente?|" +
    "respuesta automática|respuesta automatica|fuera de la oficina|fuera de oficina|ausente)" +
    "(?:\\s*(?:autoreply|auto reply|\\([^)]*\\)))?\\s*(?::|-|–|—|$)",
  "i",
);

/** True when a header is present with a value other than an explicit "no". */
function affirmative(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !/^\s*(?:no|false|0)\s*$/i.test(value);
}

/**
 * Why a message is an automatic reply (RFC 3834 and the headers real responders set), or null.
 * `X-Auto-Response-Suppress` is deliberately not a signal: Outlook sets it on ordinary mail too.
 */
export function autoReplySignal(message: InboundMessage): AutoReplySignal | null {
  const h = message.headers;
  const autoSubmitted = h["auto-submitted"]?.split(";")[0]?.trim().toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== "" && autoSubmitted !== "no") return "auto_submitted";
  if (
    affirmative(h["x-autoreply"]) ||
    affirmative(h["x-autorespond"]) ||
    affirmative(h["x-autoresponder"]) ||
    h["x-autoreply-from"] !== undefined ||
    h["x-mail-autoreply"] !== undefined
  ) {
    return "autoreply_header";
  }
  if (/^\s*(?:auto_reply|bulk|junk)\s*$/i.test(h.precedence ?? "")) return "precedence";
  // Set by Exchange on mail that an inbox rule generated or redirected: a rule's reply, not a person's.
  if (h["x-ms-exchange-inbox-rules-loop"] !== undefined) return "inbox_rule";
  if (AUTO_REPLY_SUBJECT.test(message.subject.trim())) return "subject";
  return null;
}
