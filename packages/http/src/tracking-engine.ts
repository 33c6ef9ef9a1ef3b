import type { InboundClassification, InboundMessage } from "./core-tracking.js";

/** What a tracking request tells about its sender: what bot filtering and the event log use. */
export interface TrackingRequestInfo {
  method: "GET" | "HEAD" | "POST";
  userAgent: string | null;
  /** Client address as the adapter saw it (or as the host's `clientIp` option says). */
  ip: string | null;
}

/** What became of an inbound message. */
export interface InboundOutcome {
  kind: InboundClassification["kind"];
  /** True when it was tied to an email this engine sent. */
  matched: boolean;
}

/**
 * The part of the engine the HTTP handlers call. Tokens arrive as they are in the URL: the engine
 * holds the signing secrets, verifies each token for its own kind, and records nothing for a token
 * that does not verify or an email it does not know.
 */
export interface TrackingEngine {
  /** Records an open for an `open` token. */
  recordOpen(token: string, request: TrackingRequestInfo): Promise<void>;
  /** Records a click for a `click` token and returns the stored link it names; null when unknown. */
  recordClick(token: string, request: TrackingRequestInfo): Promise<string | null>;
  /**
   * Optional `recordOpen` that resolves once the open is checked and queued, before it is written;
   * `written` settles after the write. With it the handlers answer without waiting for the store. It
   * must bound what it queues: when too much waits, resolve only once the write is done.
   */
  queueOpen?(token: string, request: TrackingRequestInfo): Promise<{ written: Promise<unknown> }>;
  /** Optional `recordClick` that resolves with the link once the click is queued, as `queueOpen`. */
  queueClick?(
    token: string,
    request: TrackingRequestInfo,
  ): Promise<{ link: string | null; written: Promise<unknown> }>;
  /** Unsubscribes the recipient an `unsubscribe` token names (idempotent); false when unknown. */
  unsubscribe(token: string, request: TrackingRequestInfo & { oneClick: boolean }): Promise<boolean>;
  /** Classifies and applies an inbound message: a reply, an automatic reply or a bounce. */
  receiveInbound(message: InboundMessage): Promise<InboundOutcome>;
}
