import { expectEqual, expectThat } from "../harness/validate.js";

/** What a dispatch run left in its database, counted there after the run. */
export interface DispatchCounts {
  /** Outbound email rows. */
  emails: number;
  /** Distinct (lead, step) pairs among them. */
  distinctLeadSteps: number;
  /** Sum of the `sent` counters. */
  counterSent: number;
  /** Leads whose sequence is finished. */
  completedLeads: number;
  variantA: number;
  variantB: number;
}

/**
 * Fails unless the run did exactly its job: one email per lead, no (lead, step) twice, counters equal
 * to the rows, every lead finished, and the A/B split near 50/50.
 */
export function expectDispatchIntegrity(counts: DispatchCounts, leads: number): void {
  expectEqual("email records", counts.emails, leads);
  expectEqual("distinct (lead, step) among email records", counts.distinctLeadSteps, leads);
  expectEqual("sent counters", counts.counterSent, counts.emails);
  expectEqual("completed leads", counts.completedLeads, leads);
  expectEqual("variant A + B", counts.variantA + counts.variantB, leads);
  const share = counts.variantA / leads;
  // 50/50 over ≥ 1,000 leads lands within a few points; far outside means the split is wrong.
  expectThat(
    leads < 1_000 || Math.abs(share - 0.5) < 0.05,
    `variant A got ${(share * 100).toFixed(1)}%, not ~50%`,
  );
}
