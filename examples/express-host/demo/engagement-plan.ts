/** What a simulated recipient does with one email, and when (hours after it was sent). */
export interface PlannedEngagement {
  kind: "open" | "click" | "reply" | "unsubscribe";
  afterHours: number;
}

/**
 * A number in [0, 1) fixed by its inputs (FNV-1a): a recipient acts the same way in every run. (Runs
 * still differ a little: which variant a lead gets depends on its id, which is new each run.)
 */
export function chance(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join("|")) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/** Share of recipients who open, by step and variant: B's subject is the better one. */
const OPEN_RATE: Record<number, Record<"A" | "B", number>> = {
  1: { A: 0.42, B: 0.58 },
  2: { A: 0.35, B: 0.35 },
  3: { A: 0.3, B: 0.3 },
};

/**
 * What a recipient does with an email: some open it a few hours later, some of those click its link
 * and some reply; one recipient of the first step unsubscribes. Decided by `chance`, not at random.
 */
export function planEngagement(
  email: { to: string; step_number: number; variant: "A" | "B" | null },
  unsubscriber: string,
): PlannedEngagement[] {
  const step = email.step_number;
  const variant = email.variant ?? "A";
  if (step === 1 && email.to === unsubscriber) return [{ kind: "unsubscribe", afterHours: 2 }];
  const plan: PlannedEngagement[] = [];
  const openAfter = 1 + Math.floor(chance(email.to, step, "when") * 6);
  if (chance(email.to, step, "open") < (OPEN_RATE[step]?.[variant] ?? 0.3)) {
    plan.push({ kind: "open", afterHours: openAfter });
    if (step === 1 && chance(email.to, step, "click") < 0.35)
      plan.push({ kind: "click", afterHours: openAfter });
    if (chance(email.to, step, "reply") < (step === 1 ? 0.18 : 0.12)) {
      plan.push({ kind: "reply", afterHours: openAfter + 1 });
    }
  }
  return plan;
}

/** What a replying prospect writes. */
export const REPLIES = [
  "Thanks for reaching out. Could you send more details? Thursday afternoon works for a call.",
  "Interesting timing, we were just discussing this. Let's talk next week.",
  "Please get in touch with our revenue manager, she handles this. I have copied her.",
  "Not a priority right now, but send me the case study.",
];
