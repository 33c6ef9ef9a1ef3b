import type { EngineContext } from "./engine-context.js";
import { recordUnsubscribe } from "./lead/lead-signals.js";
import { campaignDay } from "./schedule/index.js";
import { classifyClick, classifyOpen } from "./tracking/index.js";

/** What a tracking request carries besides its token. */
export interface TrackingRequest {
  token: string;
  method?: string;
  userAgent?: string | null;
  ip?: string | null;
}

/**
 * Records opens, clicks and unsubscribes from signed tokens. A token that does not verify records
 * nothing. The HTTP handlers of `@cadenza/http` call these.
 */
export function createTrackingApi(ctx: EngineContext) {
  async function resolve(token: string, kind: "open" | "click" | "unsubscribe") {
    if (!ctx.tracking) return null;
    const payload = await ctx.tracking.signer.verify(token, kind);
    if (!payload) return null;
    const email = await ctx.store.getEmail(payload.emailId);
    if (email?.direction !== "outbound") return null;
    return { payload, email };
  }

  // Opens and clicks arrive by the thousand for a handful of campaigns: remember each campaign's time
  // zone for a minute instead of reading the campaign on every request.
  const zones = new Map<string, { timezone: string; until: number }>();
  async function dayOf(campaignId: string | null, at: Date): Promise<string> {
    if (!campaignId) return campaignDay(at, "UTC");
    let zone = zones.get(campaignId);
    if (!zone || zone.until < at.getTime()) {
      const campaign = await ctx.store.getCampaign(campaignId);
      zone = { timezone: campaign?.timezone ?? "UTC", until: at.getTime() + 60_000 };
      if (zones.size > 1000) zones.clear();
      zones.set(campaignId, zone);
    }
    return campaignDay(at, zone.timezone);
  }

  return {
    /** Records an open; answers whether anything was recorded (the pixel is served either way). */
    async open(request: TrackingRequest): Promise<{ recorded: boolean; machine: boolean }> {
      const found = await resolve(request.token, "open");
      if (!found) return { recorded: false, machine: false };
      const at = ctx.clock.now();
      const sentAt = found.email.sentAt ?? found.email.createdAt;
      const verdict = classifyOpen({
        userAgent: request.userAgent ?? null,
        method: request.method ?? "GET",
        secondsSinceSent: (at.getTime() - sentAt.getTime()) / 1000,
        ip: request.ip ?? null,
      });
      const [result] = await ctx.store.recordEngagements([
        {
          kind: "open",
          emailId: found.email.id,
          eventId: ctx.ids.id(),
          at,
          day: await dayOf(found.email.campaignId, at),
          machine: verdict.machine,
          userAgent: request.userAgent ?? null,
          ip: request.ip ?? null,
        },
      ]);
      if (result?.firstHuman || result?.firstMachine) {
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
      return { recorded: result?.found ?? false, machine: verdict.machine };
    },

    /** Records a click and answers the URL to redirect to: always one that was in the email. */
    async click(request: TrackingRequest): Promise<{ url: string | null; machine: boolean }> {
      const found = await resolve(request.token, "click");
      if (found?.payload.kind !== "click") return { url: null, machine: false };
      const url = found.email.links[found.payload.linkIndex] ?? null;
      if (!url) return { url: null, machine: false };
      const at = ctx.clock.now();
      const sentAt = found.email.sentAt ?? found.email.createdAt;
      const verdict = classifyClick({
        userAgent: request.userAgent ?? null,
        method: request.method ?? "GET",
        secondsSinceSent: (at.getTime() - sentAt.getTime()) / 1000,
      });
      const [result] = await ctx.store.recordEngagements([
        {
          kind: "click",
          emailId: found.email.id,
          eventId: ctx.ids.id(),
          at,
          day: await dayOf(found.email.campaignId, at),
          machine: verdict.machine,
          url,
          userAgent: request.userAgent ?? null,
          ip: request.ip ?? null,
        },
      ]);
      if (result?.firstHuman) {
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
      return { url, machine: verdict.machine };
    },

    /** Whether an unsubscribe token is valid, and the address it is for (for the confirmation page). */
    async unsubscribeTarget(token: string): Promise<{ email: string } | null> {
      const found = await resolve(token, "unsubscribe");
      return found ? { email: found.email.toEmail } : null;
    },

    /** Unsubscribes at once (POST, RFC 8058 one-click). Idempotent; false for a bad token. */
    async unsubscribe(token: string): Promise<boolean> {
      const found = await resolve(token, "unsubscribe");
      if (!found) return false;
      if (found.email.leadId) {
        await recordUnsubscribe(ctx, { emailId: found.email.id });
      } else {
        await ctx.store.suppress([
          {
            email: found.email.toEmail,
            reason: "unsubscribed",
            campaignId: found.email.campaignId,
            createdAt: ctx.clock.now(),
          },
        ]);
      }
      return true;
    },
  };
}
