import { z } from "zod";
import { parseInput } from "../errors.js";
import { rate } from "./metric-counts.js";
import { normalQuantile, twoSidedPValue } from "./normal-distribution.js";

/** The counts a two-proportion test compares: successes out of trials for A and for B. */
export const twoProportionInputSchema = z
  .object({
    successesA: z.number().int().min(0),
    trialsA: z.number().int().min(0),
    successesB: z.number().int().min(0),
    trialsB: z.number().int().min(0),
    /** Confidence level of the interval (and 1 − the significance level), e.g. 0.95. */
    confidence: z.number().gt(0).lt(1).default(0.95),
  })
  .superRefine((input, ctx) => {
    for (const side of ["A", "B"] as const) {
      if (input[`successes${side}`] > input[`trials${side}`]) {
        ctx.addIssue({
          code: "custom",
          path: [`successes${side}`],
          message: `More successes than trials for ${side}`,
        });
      }
    }
  });
export type TwoProportionInput = z.input<typeof twoProportionInputSchema>;

/** The outcome of a pooled two-proportion z-test of B against A. */
export interface TwoProportionTest {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  difference: number;
  /** (rateB − rateA) / pooled standard error; 0 when the pooled rate is 0 or 1. */
  z: number;
  /** Two-sided p-value of `z`; 1 when nothing can be told apart. */
  pValue: number;
  /** Interval for `difference` at `confidence`, from the unpooled (Wald) standard error. */
  confidenceInterval: { lower: number; upper: number; confidence: number };
}

/**
 * Compares two proportions with the pooled two-proportion z-test (two-sided) and gives a Wald
 * interval for their difference. Pure arithmetic: no minimum sample is enforced here.
 *
 * ```ts
 * twoProportionZTest({ successesA: 480, trialsA: 1000, successesB: 520, trialsB: 1000 });
 * // { rateA: 0.48, rateB: 0.52, difference: 0.04, z: 1.7889, pValue: 0.0736, confidenceInterval: { lower: -0.0038, upper: 0.0838, confidence: 0.95 } }
 * ```
 */
export function twoProportionZTest(input: TwoProportionInput): TwoProportionTest {
  const { successesA, trialsA, successesB, trialsB, confidence } = parseInput(
    twoProportionInputSchema,
    input,
  );
  const rateA = rate(successesA, trialsA);
  const rateB = rate(successesB, trialsB);
  const difference = rateB - rateA;
  const pooled = rate(successesA + successesB, trialsA + trialsB);
  const pooledSe =
    trialsA > 0 && trialsB > 0 ? Math.sqrt(pooled * (1 - pooled) * (1 / trialsA + 1 / trialsB)) : 0;
  const z = pooledSe > 0 ? difference / pooledSe : 0;
  const unpooledSe = Math.sqrt(
    (trialsA > 0 ? (rateA * (1 - rateA)) / trialsA : 0) + (trialsB > 0 ? (rateB * (1 - rateB)) / trialsB : 0),
  );
  const margin = normalQuantile(1 - (1 - confidence) / 2) * unpooledSe;
  return {
    rateA,
    rateB,
    difference,
    z,
    pValue: pooledSe > 0 ? twoSidedPValue(z) : 1,
    confidenceInterval: { lower: difference - margin, upper: difference + margin, confidence },
  };
}
