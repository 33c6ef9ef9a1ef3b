export * from "./analytics/counters.js";
export * from "./analytics/index.js";
export {
  type EnrollInput,
  enrollInputSchema,
  enrollmentRulesSchema,
} from "./audience/audience-operations.js";
export {
  type CsvColumnTarget,
  type CsvImportOptions,
  type CsvImportProgress,
  type CsvImportResult,
  type CsvRowError,
  csvImportOptionsSchema,
} from "./audience/csv-import.js";
export type { Prospect } from "./audience/prospect.js";
export * from "./audience/prospect-schema.js";
export {
  MAX_SUPPRESSION_BATCH,
  type SuppressionInput,
  suppressionInputSchema,
} from "./audience/suppressions.js";
export { type Cadenza, type CadenzaOptions, createCadenza } from "./cadenza.js";
export type { Campaign, Step } from "./campaign/campaign.js";
export type { EmailPreview, PreviewProspect } from "./campaign/campaign-preview.js";
export * from "./campaign/campaign-schema.js";
export type { DispatchReport } from "./dispatch/dispatch-report.js";
export type { DispatchWorker } from "./dispatch/dispatch-worker.js";
export * from "./dispatch/email-record.js";
export * from "./dispatch/mailbox-schema.js";
export type { TrackingOptions } from "./dispatch/tracking-links.js";
export type { DispatchSettings, Sender } from "./engine-context.js";
export * from "./errors.js";
export type { CadenzaEvent, EventHandler } from "./events/event-hooks.js";
export type { InboundOutcome } from "./inbound/receive-inbound.js";
export * from "./lead/index.js";
export type { LeadChangeResult } from "./lead/lead-operations.js";
export type { SignalTarget } from "./lead/lead-signals.js";
export * from "./personalize/index.js";
export * from "./ports.js";
export * from "./render/index.js";
export * from "./schedule/index.js";
export {
  type ClassifyInboundOptions,
  classifyClick,
  classifyInbound,
  classifyOpen,
  createTokenSigner,
  createTrackingUrls,
  type EmailTokenSigner,
  findTrackableLinks,
  type InboundClassification,
  type InboundMessage,
  type InboundMessageInput,
  inboundMessageSchema,
  injectOpenPixel,
  insertBeforeBodyEnd,
  listUnsubscribeHeaders,
  type MatchKeys,
  matchKeys,
  NO_TRACK_ATTRIBUTE,
  type RewriteLinksOptions,
  type RewrittenLinks,
  rewriteLinks,
  type TokenPayload,
  type TokenSigner,
  type TrackingUrls,
  type UnsubscribeFooterOptions,
  unsubscribeFooter,
} from "./tracking/index.js";
export type { QueuedClick, QueuedOpen, TrackingRequest } from "./tracking-api.js";
export * from "./variant/index.js";
