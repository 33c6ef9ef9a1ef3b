import type { ResolvedSmtpMailboxConfig } from "./smtp-mailbox-config.js";

/**
 * Headers the DKIM signature covers when present. Nodemailer's default list (RFC 6376 §5.4's
 * recommendation) plus `List-Unsubscribe-Post`: RFC 8058 one-click unsubscribe requires the signature
 * to cover both `List-Unsubscribe` and `List-Unsubscribe-Post`, and nodemailer's default leaves the
 * second out.
 */
export const DKIM_SIGNED_HEADERS: readonly string[] = [
  "From",
  "Sender",
  "Reply-To",
  "Subject",
  "Date",
  "Message-ID",
  "To",
  "Cc",
  "MIME-Version",
  "Content-Type",
  "Content-Transfer-Encoding",
  "Content-ID",
  "Content-Description",
  "In-Reply-To",
  "References",
  "List-Id",
  "List-Help",
  "List-Unsubscribe",
  "List-Unsubscribe-Post",
  "List-Subscribe",
  "List-Post",
  "List-Owner",
  "List-Archive",
];

/** Nodemailer's `dkim` transport option for a mailbox's key, or undefined when it has none. */
export function nodemailerDkimOptions(dkim: ResolvedSmtpMailboxConfig["dkim"]) {
  if (dkim === undefined) return undefined;
  return {
    domainName: dkim.domainName,
    keySelector: dkim.keySelector,
    privateKey: dkim.privateKey,
    headerFieldNames: DKIM_SIGNED_HEADERS.join(":"),
  };
}
