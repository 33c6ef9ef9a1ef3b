import { randomUUID } from "node:crypto";
import type {
  CounterDelta,
  LeadAdvance,
  NewCampaign,
  NewEmail,
  NewEvent,
  ProspectUpsert,
  SendOutcomeWrite,
  Store,
} from "@cadenza/core";

/** A fixed instant tests measure time from. */
export const T0 = new Date("2030-03-04T09:00:00.000Z");

/** `T0` plus `minutes`. */
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

/** A campaign of `steps` steps (A/B when `ab`), active, created at T0. */
export function newCampaign(
  options: { steps?: number; ab?: boolean; dailyLimit?: number } = {},
): NewCampaign {
  const steps = options.steps ?? 2;
  return {
    id: randomUUID(),
    name: "Hotel GM Outreach Q4",
    description: null,
    active: true,
    dailyLimit: options.dailyLimit ?? 50,
    sendDays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
    sendTimeStart: 9,
    sendTimeEnd: 17,
    timezone: "UTC",
    useProspectTimezone: false,
    abTestingEnabled: options.ab ?? false,
    trackOpens: true,
    trackClicks: true,
    mailboxIds: [],
    customVariables: ["hotel_name"],
    createdAt: T0,
    steps: Array.from({ length: steps }, (_, i) => ({
      id: randomUUID(),
      stepNumber: i + 1,
      delayDays: i === 0 ? 0 : 2,
      delayHours: 0,
      format: "text" as const,
      variantA: {
        subject: i === 0 ? "Quick question about {{hotel_name}}" : "",
        body: `Step ${i + 1} body A`,
      },
      ...(options.ab
        ? { variantB: { subject: i === 0 ? "Idea for {{hotel_name}}" : "", body: `Step ${i + 1} B` } }
        : {}),
      variantSplit: 50,
      useAiGeneration: false,
    })),
  };
}

/** `n` prospects with distinct addresses and scores n…1. */
export function prospects(n: number, prefix = "gm"): ProspectUpsert[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    email: `${prefix}${i + 1}@hotel${i + 1}.example`,
    firstName: `First${i + 1}`,
    lastName: `Last${i + 1}`,
    title: "General Manager",
    company: `Hotel ${i + 1}`,
    city: i % 2 === 0 ? "Lisbon" : "Porto",
    country: "PT",
    timezone: null,
    tier: i % 3 === 0 ? "hot" : "warm",
    stage: "ready",
    source: "import",
    tags: i % 2 === 0 ? ["boutique", "coastal"] : ["boutique"],
    score: n - i,
    archived: false,
    attributes: { hotel_name: `Hotel ${i + 1}` },
  }));
}

/** Creates a campaign and enrolls `n` fresh prospects due at T0; returns the campaign and lead ids. */
export async function seedCampaign(
  store: Store,
  options: { leads: number; steps?: number; ab?: boolean; dailyLimit?: number; mailboxIds?: string[] },
): Promise<{ campaign: NewCampaign; leadIds: string[] }> {
  const campaign = newCampaign(options);
  await store.createCampaign(campaign);
  const upserted = await store.upsertProspects(prospects(options.leads, campaign.id.slice(0, 8)), T0);
  const enrolled = await store.enrollProspects({
    campaignId: campaign.id,
    filter: { ids: upserted.map((p) => p.id), tagsMatch: "all", archived: false },
    rules: {},
    variant: "A",
    mailboxIds: options.mailboxIds ?? [],
    addedBy: "import",
    firstEmailAt: T0,
    now: T0,
    newId: randomUUID,
  });
  return { campaign, leadIds: enrolled.leadIds };
}

/** The email a worker records before sending step `stepNumber` to a claimed lead. */
export function newEmail(
  lead: { id: string; campaignId: string; prospectId: string },
  leaseToken: string,
  stepNumber = 1,
): NewEmail {
  const id = randomUUID();
  return {
    id,
    leadId: lead.id,
    campaignId: lead.campaignId,
    prospectId: lead.prospectId,
    stepNumber,
    variant: "A",
    mailboxId: null,
    leaseToken,
    counterDay: "2030-03-04",
    messageId: `<${id}@mail.example>`,
    inReplyTo: null,
    references: [],
    subject: "Quick question about Hotel 1",
    html: null,
    text: "Hi there",
    toEmail: "gm@hotel.example",
    fromEmail: "me@agency.example",
    idempotencyKey: `${lead.id}:${stepNumber}`,
    generated: false,
    links: [],
  };
}

/** A `sent`-style outcome advancing the lead to `stepNumber` (completed after the last step). */
export function outcome(
  kind: SendOutcomeWrite["kind"],
  email: NewEmail,
  options: { lastStep?: number; counters?: CounterDelta[]; lead?: Partial<LeadAdvance> } = {},
): SendOutcomeWrite {
  const last = email.stepNumber >= (options.lastStep ?? 2);
  const advanced = kind !== "retry";
  return {
    kind,
    emailId: email.id,
    leadId: email.leadId,
    leaseToken: email.leaseToken,
    at: at(1),
    response: kind === "sent" ? "250 OK" : kind === "bounced" ? "550 5.1.1 no such user" : null,
    lead: {
      currentStep: advanced ? email.stepNumber : email.stepNumber - 1,
      status: kind === "bounced" ? "bounced" : advanced && last ? "completed" : "active",
      assignedVariant: "A",
      lastEmailAt: advanced ? at(1) : null,
      nextEmailAt: kind === "bounced" || (advanced && last) ? null : at(advanced ? 2 * 24 * 60 : 30),
      emailsSent: advanced ? email.stepNumber : email.stepNumber - 1,
      attempts: advanced ? 0 : 1,
      lastError: kind === "retry" ? "421 try later" : null,
      ...options.lead,
    },
    counters: options.counters ?? (kind === "bounced" ? [counter(email, "bouncedHard", 1)] : []),
    event: event(kind === "retry" ? "send_failed" : kind === "bounced" ? "bounced" : "sent", email),
  };
}

/** A counter delta for an email's campaign, step and variant. */
export function counter(email: NewEmail, field: CounterDelta["field"], by: number): CounterDelta {
  return {
    campaignId: email.campaignId,
    stepNumber: email.stepNumber,
    variant: email.variant,
    field,
    by,
    day: email.counterDay,
  };
}

/** An event about an email. */
export function event(kind: NewEvent["kind"], email?: NewEmail): NewEvent {
  return {
    id: randomUUID(),
    kind,
    campaignId: email?.campaignId ?? null,
    leadId: email?.leadId ?? null,
    emailId: email?.id ?? null,
    at: at(1),
    data: {},
  };
}
