import type { Mailbox } from "./dispatch/mailbox-schema.js";
import type { TrackingLinks } from "./dispatch/tracking-links.js";
import type { CadenzaHooks } from "./events/event-hooks.js";
import type {
  Clock,
  ContentGenerator,
  IdGenerator,
  RandomSource,
  SenderHold,
  Store,
  Transport,
} from "./ports.js";
import type { Renderer } from "./render/index.js";

/** Dispatch tuning; every field has a production default. */
export interface DispatchSettings {
  /** Leads claimed per store round trip. */
  batchSize: number;
  /** Batches one campaign may take in one tick (bounds a tick's length). */
  maxBatchesPerTick: number;
  /**
   * How long a claim holds a lead without word from its worker: a worker that dies releases its
   * leads when this passes. A live worker renews its batch's leases every third of it.
   */
  leaseMs: number;
  /**
   * How long, from its claim, renewals may keep a batch's leads (never less than `leaseMs`): a send
   * that has not returned by then (a transport without a timeout) loses its lead to recovery, which
   * records the step as `unknown`.
   */
  maxBatchMs: number;
  /** Transport calls in flight at once within a batch. */
  concurrency: number;
  /**
   * Batches of one campaign in flight at once: while one batch's writes are in the store, the next
   * is claimed and composed. 1 sends batch after batch.
   */
  batchesInFlight: number;
  /** Soft failures of one step before the lead fails. */
  maxSoftAttempts: number;
  /** First soft-retry delay; doubles per attempt. */
  softRetryBaseMs: number;
  /** Cap of the soft-retry delay. */
  softRetryMaxMs: number;
  /** Wait before a lead a flagged mailbox could not send (a policy refusal) is tried again. */
  transportRetryMs: number;
  /**
   * First hold of a sender after a throttle, a transport failure or a policy refusal of the default
   * sender; each hold in a row lasts twice the one before, up to `senderHoldMaxMs`.
   */
  senderHoldBaseMs: number;
  /** Longest hold of a sender: while its server keeps refusing, one lead is tried this often. */
  senderHoldMaxMs: number;
  /** Idle wait of the worker loop between ticks. */
  pollIntervalMs: number;
  /** Up to this much random delay added to each scheduled follow-up (spreads sends). */
  followUpJitterMs: number;
}

export const DEFAULT_DISPATCH: DispatchSettings = {
  batchSize: 100,
  maxBatchesPerTick: 50,
  leaseMs: 5 * 60_000,
  maxBatchMs: 30 * 60_000,
  concurrency: 8,
  batchesInFlight: 2,
  maxSoftAttempts: 5,
  softRetryBaseMs: 15 * 60_000,
  softRetryMaxMs: 24 * 3_600_000,
  transportRetryMs: 10 * 60_000,
  senderHoldBaseMs: 60_000,
  senderHoldMaxMs: 60 * 60_000,
  pollIntervalMs: 30_000,
  followUpJitterMs: 0,
};

/** Who emails come from when a lead has no mailbox. */
export interface Sender {
  name: string;
  email: string;
  replyTo?: string | null;
}

/** What every engine operation shares: the ports and the settings. Internal. */
export interface EngineContext {
  store: Store;
  transport: Transport;
  clock: Clock;
  random: RandomSource;
  ids: IdGenerator;
  renderer: Renderer;
  hooks: CadenzaHooks;
  dispatch: DispatchSettings;
  sender: Sender | null;
  /** Domain of generated Message-IDs; defaults to the sender's. */
  messageIdDomain: string | null;
  customVariables: string[];
  tracking: TrackingLinks | null;
  contentGenerator: ContentGenerator | null;
  generationTimeoutMs: number;
  /** Pause the prospect's active leads in other campaigns when they reply (`CadenzaOptions`). */
  pauseOtherCampaignsOnReply: boolean;
  /** Mailboxes by id, read once per tick. */
  mailboxCache: Map<string, Mailbox>;
  /**
   * Sender holds by key: read from the store once per tick, and set here as soon as a send is
   * throttled, so the rest of the pass sees it at once. Kept from tick to tick for a store that does
   * not keep them.
   */
  senderHolds: Map<string, SenderHold>;
  /** Where errors the engine recovers from are reported (a failed hook, a lead that could not resume). */
  reportError: (error: Error, context: string) => void;
}
