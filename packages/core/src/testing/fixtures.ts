import type { CounterDelta } from "../analytics/counters.js";
import { type ProspectInput, prospectInputSchema } from "../audience/prospect-schema.js";
import { type CampaignInput, campaignInputSchema } from "../campaign/campaign-schema.js";
import type { IdGenerator, LeadAdvance, NewCampaign, NewEmail, NewEvent, ProspectUpsert } from "../ports.js";

/** A valid campaign for store tests: `steps` steps, A/B on, send window 9–17 Mon–Fri UTC. */
export function campaignFixture(
  ids: IdGenerator,
  overrides: Partial<CampaignInput> = {},
  createdAt = new Date("2026-01-05T08:00:00Z"),
): NewCampaign {
  const config = campaignInputSchema.parse({
    name: "Hotel GM Outreach Q4",
    abTestingEnabled: true,
    dailyLimit: 100,
    steps: [1, 2, 3].map((n) => ({
      stepNumber: n,
      delayDays: n === 1 ? 0 : 2,
      variantA: {
        subject: n === 1 ? "Quick question about {{company}}" : "",
        body: `Step ${n} A for {{first_name}}`,
      },
      variantB: { subject: n === 1 ? "Idea for {{company}}" : "", body: `Step ${n} B for {{first_name}}` },
    })),
    ...overrides,
  });
  const { steps, description, ...rest } = config;
  return {
    ...rest,
    id: ids.id(),
    description: description ?? null,
    active: true,
    steps: steps.map((s) => ({ ...s, id: ids.id() })),
    createdAt,
  };
}

/** `count` prospects `p0@example.com`…, with varied tiers, tags, scores and cities. */
export function prospectsFixture(
  ids: IdGenerator,
  count: number,
  overrides: (i: number) => Partial<ProspectInput> = () => ({}),
): ProspectUpsert[] {
  const tiers = ["hot", "warm", "cold"] as const;
  return Array.from({ length: count }, (_, i) => ({
    ...prospectInputSchema.parse({
      email: `p${i}@example.com`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      company: `Hotel ${i}`,
      city: i % 2 === 0 ? "Lisbon" : "Porto",
      tier: tiers[i % 3],
      stage: i % 4 === 0 ? "ready" : "enriched",
      source: i % 5 === 0 ? "scraper" : "sales-navigator",
      tags: i % 2 === 0 ? ["boutique", "coastal"] : ["boutique"],
      score: i,
      attributes: { hotel_name: `Hotel ${i}` },
      ...overrides(i),
    }),
    id: ids.id(),
  }));
}

/** A `NewEmail` for a claimed lead's next step. */
export function newEmailFixture(
  ids: IdGenerator,
  input: {
    leadId: string;
    campaignId: string;
    prospectId: string;
    stepNumber: number;
    leaseToken: string;
    variant?: "A" | "B";
    day?: string;
  },
): NewEmail {
  const id = ids.id();
  return {
    id,
    leadId: input.leadId,
    campaignId: input.campaignId,
    prospectId: input.prospectId,
    stepNumber: input.stepNumber,
    variant: input.variant ?? "A",
    mailboxId: null,
    messageId: `<${id}@cadenza.test>`,
    inReplyTo: null,
    references: [],
    subject: `Step ${input.stepNumber}`,
    html: `<p>Step ${input.stepNumber}</p>`,
    text: `Step ${input.stepNumber}`,
    toEmail: "to@example.com",
    fromEmail: "from@example.com",
    idempotencyKey: `${input.leadId}:${input.stepNumber}`,
    generated: false,
    links: [],
    leaseToken: input.leaseToken,
    counterDay: input.day ?? "2026-01-05",
  };
}

/** The lead fields after step `stepNumber` of `totalSteps` was sent at `at`. */
export function advanceFixture(
  stepNumber: number,
  totalSteps: number,
  at: Date,
  nextEmailAt: Date | null,
  variant: "A" | "B" = "A",
): LeadAdvance {
  return {
    currentStep: stepNumber,
    status: stepNumber >= totalSteps ? "completed" : "active",
    assignedVariant: variant,
    lastEmailAt: at,
    nextEmailAt: stepNumber >= totalSteps ? null : nextEmailAt,
    emailsSent: stepNumber,
    attempts: 0,
    lastError: null,
  };
}

export function eventFixture(
  ids: IdGenerator,
  kind: NewEvent["kind"],
  at: Date,
  refs: Partial<NewEvent> = {},
): NewEvent {
  return { id: ids.id(), kind, campaignId: null, leadId: null, emailId: null, at, data: {}, ...refs };
}

export function delta(
  campaignId: string,
  stepNumber: number,
  variant: "A" | "B",
  field: CounterDelta["field"],
  day = "2026-01-05",
  by = 1,
): CounterDelta {
  return { campaignId, stepNumber, variant, field, by, day };
}
