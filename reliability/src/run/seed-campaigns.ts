import { type Cadenza, createCadenza, type Store } from "@cadenza/core";
import { systemRuntime } from "@cadenza/core/runtime";
import { ALWAYS_BUSY_PREFIX, HARD_BOUNCE_PREFIX } from "../sink/smtp-sink-faults.js";

/** One campaign to seed. */
export interface CampaignPlan {
  leads: number;
  dailyLimit: number;
  /** Every n-th prospect has an address that does not exist (0: none). */
  hardEvery?: number;
  /** Every n-th prospect has an address whose server is always busy (0: none). */
  busyEvery?: number;
}

/** A seeded campaign: its id, limit and how many of its leads must end bounced or failed. */
export interface SeededCampaign {
  id: string;
  leads: number;
  dailyLimit: number;
  timezone: string;
  hardBounces: number;
  alwaysBusy: number;
}

/** Steps every seeded campaign has: three, each due as soon as the one before it was sent. */
export const STEPS = 3;

/**
 * An `Etc/GMT±h` zone where it is about noon now, so a campaign day cannot roll over during a run
 * (the daily limits are checked per campaign day, on the real clock).
 */
export function noonTimeZone(now: Date): string {
  const offset = now.getUTCHours() - 12; // local = UTC − offset in `Etc/GMT+offset`
  if (offset === 0) return "Etc/GMT";
  return offset > 0 ? `Etc/GMT+${offset}` : `Etc/GMT-${-offset}`;
}

function addressOf(i: number, tag: string, plan: CampaignPlan): string {
  if (plan.hardEvery && i % plan.hardEvery === plan.hardEvery - 1)
    return `${HARD_BOUNCE_PREFIX}${i}.${tag}@example.test`;
  if (plan.busyEvery && i % plan.busyEvery === plan.busyEvery - 2)
    return `${ALWAYS_BUSY_PREFIX}${i}.${tag}@example.test`;
  return `gm${i}.${tag}@example.test`;
}

/** An engine over `store` for setting up data only: it never dispatches, so it has no real transport. */
export function setupEngine(store: Store): Cadenza {
  return createCadenza({
    store,
    transport: {
      name: "setup-only",
      send: () => Promise.reject(new Error("The setup engine never sends")),
    },
    sender: { name: "Ana Lima", email: "ana@sender.test" },
    ...systemRuntime(),
  });
}

/**
 * Creates each planned campaign — three steps with zero delays, sending every day from 0 to 24 h in a
 * zone where it is noon — enrolls its prospects and activates it. Runs on the real clock: every step
 * is due as soon as the one before it was sent.
 */
export async function seedCampaigns(store: Store, plans: readonly CampaignPlan[]): Promise<SeededCampaign[]> {
  const engine = setupEngine(store);
  const timezone = noonTimeZone(new Date());
  const seeded: SeededCampaign[] = [];
  for (const [index, plan] of plans.entries()) {
    const campaign = await engine.campaigns.create({
      name: `Reliability ${index + 1}`,
      dailyLimit: plan.dailyLimit,
      sendDays: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
      sendTimeStart: 0,
      sendTimeEnd: 24,
      timezone,
      steps: [
        {
          stepNumber: 1,
          variantA: {
            subject: "A question for {{company}}",
            body: 'Hi {{first_name | "there"}}, one question.',
          },
        },
        { stepNumber: 2, delayDays: 0, delayHours: 0, variantA: { subject: "", body: "Following up." } },
        {
          stepNumber: 3,
          delayDays: 0,
          delayHours: 0,
          variantA: { subject: "Last note", body: "Closing the loop." },
        },
      ],
    });
    const tag = `c${index + 1}-${campaign.id.slice(0, 8)}`;
    let hardBounces = 0;
    let alwaysBusy = 0;
    for (let start = 0; start < plan.leads; start += 5000) {
      const chunk = Array.from({ length: Math.min(5000, plan.leads - start) }, (_, k) => {
        const email = addressOf(start + k, tag, plan);
        if (email.startsWith(HARD_BOUNCE_PREFIX)) hardBounces++;
        if (email.startsWith(ALWAYS_BUSY_PREFIX)) alwaysBusy++;
        return { email, firstName: `First${start + k}`, company: `Hotel ${start + k}`, tags: [tag] };
      });
      await engine.prospects.upsert(chunk);
    }
    const enrolled = await engine.audience.enroll(campaign.id, { filter: { tags: [tag] }, variant: "A" });
    if (enrolled.added !== plan.leads) {
      throw new Error(`Enrolled ${enrolled.added} of ${plan.leads} leads in campaign ${campaign.id}`);
    }
    await engine.campaigns.activate(campaign.id);
    seeded.push({
      id: campaign.id,
      leads: plan.leads,
      dailyLimit: plan.dailyLimit,
      timezone,
      hardBounces,
      alwaysBusy,
    });
  }
  return seeded;
}
