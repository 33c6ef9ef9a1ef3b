import type { CampaignConfig, StepConfig } from "./campaign-schema.js";

/** A stored step: the user's step plus its identity. */
export interface Step extends StepConfig {
  id: string;
  campaignId: string;
}

/** A stored campaign with its steps in order. Campaigns start paused (`active: false`). */
export interface Campaign extends Omit<CampaignConfig, "steps" | "description"> {
  id: string;
  description: string | null;
  active: boolean;
  steps: Step[];
  /** Variant promoted as the winner of the A/B test, if any; new leads get it. */
  winnerVariant: "A" | "B" | null;
  createdAt: Date;
  updatedAt: Date;
}
