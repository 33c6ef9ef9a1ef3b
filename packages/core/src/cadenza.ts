import { createAnalyticsApi } from "./analytics/analytics-api.js";
import {
  enroll,
  enrollSavedAudience,
  previewAudience,
  saveAudience,
  upsertProspects,
} from "./audience/audience-operations.js";
import { importProspectsCsv } from "./audience/csv-import.js";
import { prospectFilterSchema } from "./audience/prospect-schema.js";
import { addSuppressions, checkSuppressed } from "./audience/suppressions.js";
import {
  createCampaign,
  duplicateCampaign,
  getCampaignOrThrow,
  setCampaignActive,
  updateCampaign,
} from "./campaign/campaign-operations.js";
import { previewStep, testSend } from "./campaign/campaign-preview.js";
import { dispatchTick, startDispatchWorker } from "./dispatch/dispatch-worker.js";
import { type Mailbox, type MailboxInput, mailboxInputSchema } from "./dispatch/mailbox-schema.js";
import { createTrackingLinks, type TrackingOptions } from "./dispatch/tracking-links.js";
import {
  DEFAULT_DISPATCH,
  type DispatchSettings,
  type EngineContext,
  type Sender,
} from "./engine-context.js";
import { parseInput } from "./errors.js";
import { CadenzaHooks } from "./events/event-hooks.js";
import { receiveInbound } from "./inbound/receive-inbound.js";
import type { LeadStatus } from "./lead/lead.js";
import { pauseLead, resumeLead } from "./lead/lead-operations.js";
import { recordBounce, recordComplaint, recordReply, recordUnsubscribe } from "./lead/lead-signals.js";
import { retryFailedLeads, retryLead } from "./lead/retry-lead.js";
import type { Clock, ContentGenerator, IdGenerator, RandomSource, Store, Transport } from "./ports.js";
import { createRenderer, type MjmlCompiler } from "./render/index.js";
import { campaignDay } from "./schedule/index.js";
import { createTrackingApi } from "./tracking-api.js";

/** Everything `createCadenza` needs; the ports are required, the rest has defaults. */
export interface CadenzaOptions {
  store: Store;
  /** Sends every email; `message.mailboxId` says which mailbox it is from. */
  transport: Transport;
  clock: Clock;
  random: RandomSource;
  ids: IdGenerator;
  /** From address for leads without a mailbox. */
  sender?: Sender | null;
  /** Domain of generated Message-IDs (defaults to the From address's domain). */
  messageIdDomain?: string | null;
  /** Custom prospect attributes every campaign's templates may use (e.g. `hotel_name`). */
  customVariables?: string[];
  /** Signed open/click/unsubscribe links; without it emails carry no tracking and no unsubscribe link. */
  tracking?: TrackingOptions | null;
  /** Generates content for steps that ask for it. */
  contentGenerator?: ContentGenerator | null;
  /** How long one generation may take before falling back to the step's own content. */
  generationTimeoutMs?: number;
  /**
   * Compiles MJML bodies. Default: `mjml` loaded into this process on the first MJML email, where
   * it stays; `mjmlWorker()` from `@cadenza/core/runtime` keeps it out of the process.
   */
  mjml?: MjmlCompiler;
  dispatch?: Partial<DispatchSettings>;
  /**
   * When a prospect replies, pause their active leads in every other campaign (default true), with
   * the reason "Replied to <campaign>": a person who answered one sequence is a conversation, and
   * should not keep getting another's emails until someone decides. Resume them by hand if not.
   */
  pauseOtherCampaignsOnReply?: boolean;
  /** Receives errors the engine recovered from (failed event handlers, …). Default: console.error. */
  onError?: (error: Error, context: string) => void;
}

/**
 * Creates the engine: campaigns, audiences, dispatch, tracking signals and metrics over your store
 * and transport.
 *
 * ```ts
 * import { createCadenza } from "@cadenza/core";
 * import { systemRuntime } from "@cadenza/core/runtime";
 * import { sqliteStore } from "@cadenza/sqlite";
 * import { smtpTransport } from "@cadenza/smtp";
 *
 * const cadenza = createCadenza({
 *   store: sqliteStore("cadenza.db", { migrate: true }),
 *   transport: smtpTransport({ url: process.env.SMTP_URL, fromEmail: "ana@example.com" }),
 *   sender: { name: "Ana", email: "ana@example.com" },
 *   ...systemRuntime(),
 * });
 * const campaign = await cadenza.campaigns.create({ name: "Q4", steps: [...] });
 * await cadenza.audience.enroll(campaign.id, { filter: { tier: "hot" } });
 * await cadenza.campaigns.activate(campaign.id);
 * const worker = cadenza.dispatch.start();
 * ```
 */
export function createCadenza(options: CadenzaOptions) {
  const reportError =
    options.onError ??
    ((error: Error, context: string) => {
      console.error(`[cadenza] ${context}:`, error);
    });
  const ctx: EngineContext = {
    store: options.store,
    transport: options.transport,
    clock: options.clock,
    random: options.random,
    ids: options.ids,
    renderer: createRenderer({ mjml: options.mjml }),
    hooks: new CadenzaHooks((error, event) =>
      reportError(
        error instanceof Error ? error : new Error(String(error)),
        `event handler for ${event.kind}`,
      ),
    ),
    dispatch: { ...DEFAULT_DISPATCH, ...options.dispatch },
    sender: options.sender ?? null,
    messageIdDomain: options.messageIdDomain ?? null,
    customVariables: options.customVariables ?? [],
    tracking: options.tracking ? createTrackingLinks(options.tracking) : null,
    contentGenerator: options.contentGenerator ?? null,
    generationTimeoutMs: options.generationTimeoutMs ?? 20_000,
    pauseOtherCampaignsOnReply: options.pauseOtherCampaignsOnReply ?? true,
    mailboxCache: new Map(),
    senderHolds: new Map(),
    reportError,
  };

  return {
    /** The store this engine uses. */
    store: ctx.store,
    /** The clock this engine reads. */
    clock: ctx.clock,
    campaigns: {
      create: (input: Parameters<typeof createCampaign>[1]) => createCampaign(ctx, input),
      update: (id: string, input: Parameters<typeof updateCampaign>[2]) => updateCampaign(ctx, id, input),
      get: (id: string) => ctx.store.getCampaign(id),
      list: (filter?: { active?: boolean }) => ctx.store.listCampaigns(filter),
      activate: (id: string) => setCampaignActive(ctx, id, true),
      pause: (id: string) => setCampaignActive(ctx, id, false),
      resume: (id: string) => setCampaignActive(ctx, id, true),
      duplicate: (id: string, name?: string) => duplicateCampaign(ctx, id, name),
      delete: async (id: string) => {
        await getCampaignOrThrow(ctx, id);
        await ctx.store.deleteCampaign(id);
      },
      preview: (id: string, stepNumber: number, opts?: Parameters<typeof previewStep>[3]) =>
        previewStep(ctx, id, stepNumber, opts),
      testSend: (id: string, stepNumber: number, opts: Parameters<typeof testSend>[3]) =>
        testSend(ctx, id, stepNumber, opts),
    },
    mailboxes: {
      save: async (input: MailboxInput): Promise<Mailbox> => {
        const parsed = parseInput(mailboxInputSchema, input);
        const now = ctx.clock.now();
        const existing = parsed.id ? await ctx.store.getMailbox(parsed.id) : null;
        // A ramp without a first day starts today in the mailbox's zone, or keeps the day it had.
        const rampUp = parsed.rampUp && {
          ...parsed.rampUp,
          startedOn:
            parsed.rampUp.startedOn ?? existing?.rampUp?.startedOn ?? campaignDay(now, parsed.timezone),
        };
        return ctx.store.saveMailbox({
          ...parsed,
          rampUp,
          id: parsed.id ?? ctx.ids.id(),
          flaggedAt: existing?.flaggedAt ?? null,
          flagReason: existing?.flagReason ?? null,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        });
      },
      get: (id: string) => ctx.store.getMailbox(id),
      list: () => ctx.store.listMailboxes(),
      delete: (id: string) => ctx.store.deleteMailbox(id),
      /** Clears a sender-side flag after the cause was fixed, so the mailbox sends again. */
      unflag: async (id: string) => {
        const mailbox = await ctx.store.getMailbox(id);
        if (!mailbox) return null;
        return ctx.store.saveMailbox({
          ...mailbox,
          flaggedAt: null,
          flagReason: null,
          updatedAt: ctx.clock.now(),
        });
      },
    },
    prospects: {
      upsert: (input: Parameters<typeof upsertProspects>[1]) => upsertProspects(ctx, input),
      /** Imports a CSV file's rows; invalid rows are reported with their line, the rest imported. */
      importCsv: (csv: string | Uint8Array, opts?: Parameters<typeof importProspectsCsv>[2]) =>
        importProspectsCsv(ctx, csv, opts),
      get: (ids: string[]) => ctx.store.getProspects(ids),
      find: (filter: Parameters<typeof prospectFilterSchema.parse>[0], page = { limit: 50, offset: 0 }) =>
        ctx.store.findProspects(parseInput(prospectFilterSchema, filter, ["filter"]), page),
    },
    audience: {
      preview: (
        campaignId: string,
        filter: Parameters<typeof previewAudience>[2],
        opts?: Parameters<typeof previewAudience>[3],
      ) => previewAudience(ctx, campaignId, filter, opts),
      enroll: (campaignId: string, input: Parameters<typeof enroll>[2]) => enroll(ctx, campaignId, input),
      /** Saves a named filter (the audit's saved audiences). */
      save: (input: Parameters<typeof saveAudience>[1]) => saveAudience(ctx, input),
      get: (id: string) => ctx.store.getAudience(id),
      list: () => ctx.store.listAudiences(),
      delete: (id: string) => ctx.store.deleteAudience(id),
      /** Enrolls a saved audience's current matches; those already enrolled are skipped. */
      enrollSaved: (
        campaignId: string,
        audienceId: string,
        opts?: Parameters<typeof enrollSavedAudience>[3],
      ) => enrollSavedAudience(ctx, campaignId, audienceId, opts),
    },
    suppressions: {
      /** Adds addresses (an opt-out list from elsewhere, a do-not-contact list) that no campaign emails. */
      add: (input: Parameters<typeof addSuppressions>[1]) => addSuppressions(ctx, input),
      /** The list, newest first. */
      list: (page = { limit: 50, offset: 0 }) => ctx.store.listSuppressions(page),
      /** Which of these addresses are suppressed (lower-cased). */
      check: (emails: string[]) => checkSuppressed(ctx, emails),
    },
    leads: {
      get: (id: string) => ctx.store.getLead(id),
      list: (campaignId: string, opts: { status?: LeadStatus; limit?: number; offset?: number } = {}) =>
        ctx.store.listLeads(campaignId, {
          status: opts.status,
          limit: opts.limit ?? 50,
          offset: opts.offset ?? 0,
        }),
      pause: (id: string, opts?: Parameters<typeof pauseLead>[2]) => pauseLead(ctx, id, opts),
      resume: (id: string) => resumeLead(ctx, id),
      /** Puts a failed lead back into its sequence: its failed step is due again, attempts reset. */
      retry: (id: string) => retryLead(ctx, id),
      /** Puts every failed lead of a campaign back into its sequence; returns how many. */
      retryFailed: (campaignId: string, opts?: Parameters<typeof retryFailedLeads>[2]) =>
        retryFailedLeads(ctx, campaignId, opts),
      recordReply: (target: Parameters<typeof recordReply>[1], at?: Date) => recordReply(ctx, target, at),
      recordBounce: (
        target: Parameters<typeof recordBounce>[1],
        bounce: Parameters<typeof recordBounce>[2],
        at?: Date,
      ) => recordBounce(ctx, target, bounce, at),
      recordUnsubscribe: (target: Parameters<typeof recordUnsubscribe>[1], at?: Date) =>
        recordUnsubscribe(ctx, target, at),
      /** Records a spam complaint reported by a provider's webhook (SES, SendGrid…) rather than by mail. */
      recordComplaint: (
        target: Parameters<typeof recordComplaint>[1],
        complaint?: Parameters<typeof recordComplaint>[2],
        at?: Date,
      ) => recordComplaint(ctx, target, complaint, at),
    },
    tracking: createTrackingApi(ctx),
    inbound: {
      /**
       * Classifies and applies an inbound message: a reply, an automatic reply, a bounce or delay
       * report, a spam complaint, or an unsubscribe request sent to the `List-Unsubscribe` address.
       */
      receive: (message: Parameters<typeof receiveInbound>[1]) => receiveInbound(ctx, message),
    },
    dispatch: {
      /** Runs one dispatch pass now and reports what it did. */
      tick: () => dispatchTick(ctx),
      /** Starts the dispatcher loop; `stop()` finishes the batch in hand and resolves. */
      start: (opts?: Parameters<typeof startDispatchWorker>[1]) => startDispatchWorker(ctx, opts),
    },
    /** Runs the store's integrity checks; an empty list means healthy. */
    audit: () => ctx.store.audit(),
    /** Per-step, per-variant and campaign counters, read from counter rows. */
    counters: (campaignId: string) => ctx.store.getCounters(campaignId),
    /** Metrics, funnel, time series, A/B significance, winner promotion and best subject lines. */
    analytics: createAnalyticsApi(ctx),
    /** Subscribes to engine events (`"*"` for all); returns the unsubscribe function. */
    on: (kind: Parameters<CadenzaHooks["on"]>[0], handler: Parameters<CadenzaHooks["on"]>[1]) =>
      ctx.hooks.on(kind, handler),
  };
}

/** The engine `createCadenza` returns. */
export type Cadenza = ReturnType<typeof createCadenza>;
