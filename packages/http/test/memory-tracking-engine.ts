import {
  classifyClick,
  classifyInbound,
  classifyOpen,
  createTokenSigner,
  type InboundClassification,
  matchKeys,
} from "../src/core-tracking.js";
import type { TrackingEngine, TrackingRequestInfo } from "../src/tracking-engine.js";

/** An email the test double "sent". */
export interface SentEmail {
  id: string;
  messageId: string;
  toEmail: string;
  /** The links `rewriteLinks` stored for it, in index order. */
  links: string[];
  sentAt: Date;
  /** Token of its plus-addressed Reply-To (`reply+<token>@…`), if any. */
  replyToken?: string;
}

export interface RecordedEngagement {
  emailId: string;
  machine: boolean;
  reason: ReturnType<typeof classifyOpen>["reason"];
  request: TrackingRequestInfo;
  url?: string;
}

/**
 * A `TrackingEngine` over maps, for testing the HTTP layer: it verifies tokens with the core's
 * signer and classifies with the core's classifiers, as the engine will, and keeps what it records.
 */
export function memoryTrackingEngine(options: { secrets: string[]; now: () => Date }) {
  const signer = createTokenSigner(options.secrets);
  const emails = new Map<string, SentEmail>();
  const opens: RecordedEngagement[] = [];
  const clicks: RecordedEngagement[] = [];
  const unsubscribed = new Map<string, { emailId: string; oneClick: boolean }>();
  const inbound: { classification: InboundClassification; emailId: string | null }[] = [];
  let outage: Error | null = null;

  const seconds = (email: SentEmail) => (options.now().getTime() - email.sentAt.getTime()) / 1000;
  const check = () => {
    if (outage) throw outage;
  };

  const engine: TrackingEngine = {
    async recordOpen(token, request) {
      check();
      const payload = await signer.verify(token, "open");
      const email = payload && emails.get(payload.emailId);
      if (!email) return;
      const verdict = classifyOpen({ ...request, secondsSinceSent: seconds(email) });
      opens.push({ emailId: email.id, ...verdict, request });
    },
    async recordClick(token, request) {
      check();
      const payload = await signer.verify(token, "click");
      const email = payload?.kind === "click" ? emails.get(payload.emailId) : undefined;
      const url = payload?.kind === "click" ? email?.links[payload.linkIndex] : undefined;
      if (!email || url === undefined) return null;
      const verdict = classifyClick({ ...request, secondsSinceSent: seconds(email) });
      clicks.push({ emailId: email.id, ...verdict, request, url });
      return url;
    },
    async unsubscribe(token, request) {
      check();
      const payload = await signer.verify(token, "unsubscribe");
      const email = payload && emails.get(payload.emailId);
      if (!email) return false;
      if (!unsubscribed.has(email.toEmail)) {
        unsubscribed.set(email.toEmail, { emailId: email.id, oneClick: request.oneClick });
      }
      return true;
    },
    async receiveInbound(message) {
      check();
      const classification = classifyInbound(message);
      const keys = matchKeys(message);
      const ids = [...keys.messageIds];
      if (classification.kind === "bounce" && classification.originalMessageId) {
        ids.push(classification.originalMessageId);
      }
      const all = [...emails.values()];
      const email =
        all.find((e) => ids.includes(e.messageId)) ??
        all.find((e) => keys.plusToken !== null && e.replyToken === keys.plusToken) ??
        null;
      inbound.push({ classification, emailId: email?.id ?? null });
      return { kind: classification.kind, matched: email !== null };
    },
  };

  return {
    engine,
    signer,
    opens,
    clicks,
    unsubscribed,
    inbound,
    /** Records an email as sent and signs its tokens. */
    async send(email: SentEmail) {
      emails.set(email.id, email);
      return {
        open: await signer.sign({ kind: "open", emailId: email.id }),
        clicks: await Promise.all(
          email.links.map((_, linkIndex) => signer.sign({ kind: "click", emailId: email.id, linkIndex })),
        ),
        unsubscribe: await signer.sign({ kind: "unsubscribe", emailId: email.id }),
      };
    },
    /** Makes every engine call throw `error` (a store outage), or stop throwing with null. */
    fail(error: Error | null) {
      outage = error;
    },
  };
}
