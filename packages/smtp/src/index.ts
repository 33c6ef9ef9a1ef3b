export {
  classifySmtpOutcome,
  type RejectionKind,
  type SendRejection,
  type SmtpOutcome,
  type SmtpSendError,
  type SmtpSentInfo,
} from "./classify-smtp-outcome.js";
export { DKIM_SIGNED_HEADERS } from "./smtp-dkim.js";
export {
  type ResolvedSmtpMailboxConfig,
  type ResolvedSmtpTransportOptions,
  type SmtpMailboxConfig,
  type SmtpTransportOptions,
  smtpDkimConfigSchema,
  smtpMailboxConfigSchema,
  smtpPoolConfigSchema,
  smtpTimeoutsSchema,
  smtpTransportOptionsSchema,
} from "./smtp-mailbox-config.js";
export { type EnhancedStatusCode, parseSmtpReply, type SmtpReply } from "./smtp-reply.js";
export { type SmtpTransport, smtpTransport } from "./smtp-transport.js";
