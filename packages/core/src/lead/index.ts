export * from "./lead.js";
export {
  canTransition,
  DEFAULT_MAX_SOFT_ATTEMPTS,
  enrollLead,
  type LeadEvent,
  type LeadEventType,
  type LeadState,
  softRetryDelayMs,
  transition,
} from "./lead-machine.js";
