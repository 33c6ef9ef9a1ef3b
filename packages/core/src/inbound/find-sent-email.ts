import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import type { InboundMessage } from "../tracking/inbound-message.js";
import { matchKeys } from "../tracking/match-keys.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The sent email a message answers or reports on: by the Message-IDs given first (a report's envelope
 * id and returned Message-ID), then those the message answers (newest first), else a plus-address token.
 */
export async function findSentEmail(
  ctx: EngineContext,
  message: InboundMessage,
  reportedIds: readonly string[] = [],
): Promise<EmailRecord | null> {
  const keys = matchKeys(message);
  const ids = [...reportedIds, ...keys.messageIds];
  if (ids.length > 0) {
    const found = await ctx.store.findEmailsByMessageId(ids);
    const byId = new Map<string, EmailRecord>();
    for (const email of found) {
      byId.set(email.messageId, email);
      if (email.providerMessageId !== null) byId.set(email.providerMessageId, email);
    }
    for (const id of ids) {
      const email = byId.get(id);
      if (email) return email;
    }
  }
  if (keys.plusToken && UUID.test(keys.plusToken)) {
    const email = await ctx.store.getEmail(keys.plusToken);
    if (email?.direction === "outbound") return email;
  }
  return null;
}

/**
 * The newest email sent to any of these addresses within `days` before `now` (all time when `days`
 * is null): for mail that names only an address. It is always an email to that very address, so what
 * it stops is that address's lead and no one else's.
 */
export async function lastEmailTo(
  ctx: EngineContext,
  addresses: readonly (string | null)[],
  now: Date,
  days: number | null,
): Promise<EmailRecord | null> {
  const wanted = [...new Set(addresses.flatMap((a) => (a ? [a.trim().toLowerCase()] : [])))];
  if (wanted.length === 0) return null;
  const since = days === null ? new Date(0) : new Date(now.getTime() - days * DAY_MS);
  const found = await ctx.store.findLastEmailsTo(wanted, since);
  let last: EmailRecord | null = null;
  for (const email of found) {
    if (
      !last ||
      email.createdAt > last.createdAt ||
      (+email.createdAt === +last.createdAt && email.id > last.id)
    )
      last = email;
  }
  return last;
}
