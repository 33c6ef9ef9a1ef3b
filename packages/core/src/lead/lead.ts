import type { VariantName } from "../campaign/campaign-schema.js";

/** Where a lead is in its campaign. Terminal: completed, replied, bounced, unsubscribed, failed. */
export const LEAD_STATUSES = [
  "active",
  "paused",
  "completed",
  "replied",
  "bounced",
  "unsubscribed",
  "failed",
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const TERMINAL_STATUSES: readonly LeadStatus[] = [
  "completed",
  "replied",
  "bounced",
  "unsubscribed",
  "failed",
];

export function isTerminalStatus(status: LeadStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export type AddedBy = "manual" | "import" | "automation";

/** One prospect's progress through one campaign (the audit's `campaign_leads` row). */
export interface Lead {
  id: string;
  campaignId: string;
  prospectId: string;
  mailboxId: string | null;
  /** Steps sent so far; 0 = not started. Never exceeds the campaign's step count. */
  currentStep: number;
  status: LeadStatus;
  /** Variant the lead gets; locked when its first email is sent. */
  assignedVariant: VariantName | null;
  lastEmailAt: Date | null;
  /** When the next step is due; null for terminal and paused leads. */
  nextEmailAt: Date | null;
  emailsSent: number;
  emailsOpened: number;
  hasReplied: boolean;
  repliedAt: Date | null;
  addedBy: AddedBy | null;
  notes: string | null;
  /** Failed attempts at the current step (reset when a step is sent). */
  attempts: number;
  /** Why the lead last failed, paused or stopped, when the engine knows. */
  lastError: string | null;
  /** A paused lead resumes by itself at this time (e.g. the return date of an out-of-office). */
  pausedUntil: Date | null;
  /** Bumped on every change; changes other than dispatch are fenced on it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
