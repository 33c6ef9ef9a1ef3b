import type { EngineContext } from "./engine-context.js";
import { recordUnsubscribe } from "./lead/lead-signals.js";
import type { EngagementResult, EngagementWrite, TrackingTarget } from "./ports.js";
import { campaignDay } from "./schedule/index.js";
import { type BatchLimits, batchCalls } from "./tracking/batch-calls.js";
import { classifyClick, classifyOpen } from "./tracking/index.js";

/** What a tracking request carries besides its token. */
export interface TrackingRequest {
  token: string;
  method?: string;
  userAgent?: string | null;
  ip?: string | null;
}

/**
 * Opens and clicks arrive by the thousand at once: up to this many share one lookup and one write,
 * and past this many waiting, a request is refused (the handler still answers the pixel).
 */
const TRACKING_BATCH: BatchLimits = { maxBatch: 500, maxWaiting: 10_000 };

/**
 * Past this many engagements waiting for a write, `queueOpen` and `queueClick` answer only once their
 * own write is done: the store sets the pace, and what is answered but not yet written stays bounded.
 */
const MAX_AHEAD = 1_000;

/** An open that passed its checks and waits for its write. */
export interface QueuedOpen {
  /** Settles once the open is written (or rejects with why it was not): what `open()` answers. */
  written: Promise<{ recorded: boolean; machine: boolean }>;
}

/** A click whose link is known and whose write is queued. */
export interface QueuedClick {
  /** The URL to redirect to: always one that was in the email; null for a bad token. */
  url: string | null;
  machine: boolean;
  /** Settles once the click is written, or rejects with why it was not. */
  written: Promise<void>;
}

/** How long a looked-up email is reused, and how many are kept. */
const TARGET_TTL_MS = 60_000;
const MAX_TARGETS = 10_000;

/**
 * Records opens, clicks and unsubscribes from signed tokens. A token that does not verify records
 * nothing. The HTTP handlers of `@cadenza/http` call these.
 *
 * Opens and clicks are grouped: requests that arrive while the store is busy with earlier ones share
 * the next lookup (`getTrackingTargets`) and the next write (`recordEngagements`, one transaction).
 * `open()` and `click()` resolve only once their own engagement is written; `queueOpen()` and
 * `queueClick()` resolve as soon as it is queued, with a `written` promise for the write, so an HTTP
 * answer need not wait for the store (while fewer than `MAX_AHEAD` wait for a write).
 */
export function createTrackingApi(ctx: EngineContext) {
  const lookUp = batchCalls<string, TrackingTarget | null>(async (emailIds) => {
    const found = new Map((await ctx.store.getTrackingTargets(emailIds)).map((t) => [t.id, t]));
    return emailIds.map((id) => found.get(id) ?? null);
  }, TRACKING_BATCH);
  const record = batchCalls<EngagementWrite, EngagementResult>(
    (engagements) => ctx.store.recordEngagements(engagements),
    TRACKING_BATCH,
  );

  // An email is opened and clicked in bursts (a reader's client, its image proxy, a click after the
  // open): what tracking needs of a sent email is kept for a minute, as the campaign's time zone was.
  const targets = new Map<string, { target: TrackingTarget; until: number }>();
  async function lookUpTarget(emailId: string, now: number): Promise<TrackingTarget | null> {
    const found = await lookUp(emailId);
    if (found?.sentAt) {
      if (targets.size >= MAX_TARGETS) targets.delete(targets.keys().next().value as string);
      targets.set(emailId, { target: found, until: now + TARGET_TTL_MS });
    }
    return found;
  }

  // Synchronous while the email is kept: a request awaits the store only for an email not seen lately.
  async function resolve(token: string, kind: "open" | "click") {
    if (!ctx.tracking) return null;
    const payload = ctx.tracking.signer.verifyNow(token, kind);
    if (!payload) return null;
    const now = ctx.clock.now().getTime();
    const kept = targets.get(payload.emailId);
    const email = kept && kept.until >= now ? kept.target : await lookUpTarget(payload.emailId, now);
    return email ? { payload, email } : null;
  }

  // Unsubscribes are rare and must take effect at once: looked up on their own.
  async function resolveUnsubscribe(token: string): Promise<TrackingTarget | null> {
    if (!ctx.tracking) return null;
    const payload = ctx.tracking.signer.verifyNow(token, "unsubscribe");
    if (!payload) return null;
    const [email] = await ctx.store.getTrackingTargets([payload.emailId]);
    return email ?? null;
  }

  /** Answers at once while the store keeps up; past `MAX_AHEAD` waiting, only after the write. */
  function paced<T extends { written: Promise<unknown> }>(queued: T): T | Promise<T> {
    return record.waiting > MAX_AHEAD ? queued.written.then(() => queued) : queued;
  }

  async function queueOpen(request: TrackingRequest): Promise<QueuedOpen> {
    const found = await resolve(request.token, "open");
    if (!found) return { written: Promise.resolve({ recorded: false, machine: false }) };
    const at = ctx.clock.now();
    const sentAt = found.email.sentAt ?? found.email.createdAt;
    const verdict = classifyOpen({
      userAgent: request.userAgent ?? null,
      method: request.method ?? "GET",
      secondsSinceSent: (at.getTime() - sentAt.getTime()) / 1000,
      ip: request.ip ?? null,
    });
    const written = record({
      kind: "open",
      emailId: found.email.id,
      eventId: ctx.ids.id(),
      at,
      day: campaignDay(at, found.email.timezone),
      machine: verdict.machine,
      userAgent: request.userAgent ?? null,
      ip: request.ip ?? null,
    }).then(async (result) => {
      if (result.firstHuman || result.firstMachine) {
        await ctx.hooks.emit([
          {
            id: ctx.ids.id(),
            kind: "opened",
            campaignId: found.email.campaignId,
            leadId: found.email.leadId,
            emailId: found.email.id,
            at,
            data: { machine: verdict.machine, reason: verdict.reason },
          },
        ]);
      }
      return { recorded: result.found, machine: verdict.machine };
    });
    return paced({ written });
  }

  async function queueClick(request: TrackingRequest): Promise<QueuedClick> {
    const found = await resolve(request.token, "click");
    const url = found?.payload.kind === "click" ? (found.email.links[found.payload.linkIndex] ?? null) : null;
    if (!found || !url) return { url: null, machine: false, written: Promise.resolve() };
    const at = ctx.clock.now();
    const sentAt = found.email.sentAt ?? found.email.createdAt;
    const verdict = classifyClick({
      userAgent: request.userAgent ?? null,
      method: request.method ?? "GET",
      secondsSinceSent: (at.getTime() - sentAt.getTime()) / 1000,
    });
    const written = record({
      kind: "click",
      emailId: found.email.id,
      eventId: ctx.ids.id(),
      at,
      day: campaignDay(at, found.email.timezone),
      machine: verdict.machine,
      url,
      userAgent: request.userAgent ?? null,
      ip: request.ip ?? null,
    }).then(async (result) => {
      if (result.firstHuman) {
        await ctx.hooks.emit([
          {
            id: ctx.ids.id(),
            kind: "clicked",
            campaignId: found.email.campaignId,
            leadId: found.email.leadId,
            emailId: found.email.id,
            at,
            data: { url },
          },
        ]);
      }
    });
    return paced({ url, machine: verdict.machine, written });
  }

  return {
    /** Records an open; answers whether anything was recorded (the pixel is served either way). */
    async open(request: TrackingRequest): Promise<{ recorded: boolean; machine: boolean }> {
      return (await queueOpen(request)).written;
    },

    /** Records a click and answers the URL to redirect to: always one that was in the email. */
    async click(request: TrackingRequest): Promise<{ url: string | null; machine: boolean }> {
      const { url, machine, written } = await queueClick(request);
      await written;
      return { url, machine };
    },

    /**
     * Checks an open and queues its write, resolving before the write is done (unless the store is
     * far behind); `written` settles after it. For answering the pixel without waiting for the store.
     */
    queueOpen,

    /**
     * Checks a click and queues its write, resolving with the URL before the write is done (unless the
     * store is far behind); `written` settles after it. For redirecting without waiting for the store.
     */
    queueClick,

    /** Whether an unsubscribe token is valid, and the address it is for (for the confirmation page). */
    async unsubscribeTarget(token: string): Promise<{ email: string } | null> {
      const email = await resolveUnsubscribe(token);
      return email ? { email: email.toEmail } : null;
    },

    /** Unsubscribes at once (POST, RFC 8058 one-click). Idempotent; false for a bad token. */
    async unsubscribe(token: string): Promise<boolean> {
      const email = await resolveUnsubscribe(token);
      if (!email) return false;
      if (email.leadId) {
        await recordUnsubscribe(ctx, { emailId: email.id });
      } else {
        await ctx.store.suppress([
          {
            email: email.toEmail,
            reason: "unsubscribed",
            campaignId: email.campaignId,
            createdAt: ctx.clock.now(),
          },
        ]);
      }
      return true;
    },
  };
}
