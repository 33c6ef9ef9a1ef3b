import { describe, expect, it } from "vitest";
import { isCadenzaError } from "../errors.js";
import { twoProportionZTest } from "./two-proportion-test.js";

function expectRelative(actual: number, expected: number, tolerance: number) {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

/**
 * Expected values: z from the pooled formula z = (p̂B − p̂A) / √(p̂(1 − p̂)(1/nA + 1/nB)) in double
 * precision, p = 2·scipy.stats.norm.sf(|z|), interval = difference ± norm.ppf(1 − (1 − c)/2)·
 * √(p̂A(1 − p̂A)/nA + p̂B(1 − p̂B)/nB), computed with SciPy 1.17.1.
 */
const SCIPY_CASES = [
  // The classic worked example: 52 % vs 48 % of 1,000 each. By hand: p̂ = 0.5,
  // SE = √(0.25 · 0.002) = 0.022361, z = 0.04 / 0.022361 = 1.7889, p = 0.0736.
  {
    a: [480, 1000],
    b: [520, 1000],
    c: 0.95,
    z: 1.7888543819998333,
    p: 0.0736382701203024,
    lo: -0.003791052091614608,
    hi: 0.08379105209161468,
  },
  {
    a: [30, 200],
    b: [45, 200],
    c: 0.95,
    z: 1.921537845661046,
    p: 0.05466393589167507,
    lo: -0.001145925087854785,
    hi: 0.1511459250878548,
  },
  {
    a: [200, 1000],
    b: [300, 1000],
    c: 0.99,
    z: 5.1639777949432215,
    p: 2.4175638811190246e-7,
    lo: 0.05045293406892946,
    hi: 0.1495470659310705,
  },
  {
    a: [100, 10000],
    b: [300, 10000],
    c: 0.95,
    z: 10.101525445522105,
    p: 5.4389471780889635e-24,
    lo: 0.01612938126384074,
    hi: 0.023870618736159255,
  },
  {
    a: [12, 150],
    b: [25, 160],
    c: 0.9,
    z: 2.0693985013549607,
    p: 0.03850870703629571,
    lo: 0.016610926408283537,
    hi: 0.13588907359171645,
  },
] as const;

describe("the two-proportion z-test", () => {
  it("reproduces the textbook 52 % vs 48 % example: z ≈ 1.789, p ≈ 0.0736", () => {
    const test = twoProportionZTest({ successesA: 520, trialsA: 1000, successesB: 480, trialsB: 1000 });
    expect(test.rateA).toBe(0.52);
    expect(test.rateB).toBe(0.48);
    expect(test.difference).toBeCloseTo(-0.04, 12);
    expect(test.z).toBeCloseTo(-1.789, 3);
    expect(test.pValue).toBeCloseTo(0.0736, 4);
    expect(test.confidenceInterval.confidence).toBe(0.95);
  });

  it("matches SciPy's z, p-value and Wald interval, down to p ≈ 5e-24", () => {
    for (const c of SCIPY_CASES) {
      const test = twoProportionZTest({
        successesA: c.a[0],
        trialsA: c.a[1],
        successesB: c.b[0],
        trialsB: c.b[1],
        confidence: c.c,
      });
      expectRelative(test.z, c.z, 1e-12);
      expectRelative(test.pValue, c.p, 1e-11);
      expectRelative(test.confidenceInterval.lower, c.lo, 1e-10);
      expectRelative(test.confidenceInterval.upper, c.hi, 1e-10);
    }
  });

  it("is antisymmetric: swapping A and B flips z and the interval, not the p-value", () => {
    const ab = twoProportionZTest({ successesA: 30, trialsA: 200, successesB: 45, trialsB: 200 });
    const ba = twoProportionZTest({ successesA: 45, trialsA: 200, successesB: 30, trialsB: 200 });
    expect(ba.z).toBeCloseTo(-ab.z, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 15);
    expect(ba.confidenceInterval.lower).toBeCloseTo(-ab.confidenceInterval.upper, 14);
  });

  it("answers z = 0 and p = 1, never NaN, when nothing can be told apart", () => {
    for (const input of [
      { successesA: 0, trialsA: 0, successesB: 0, trialsB: 0 },
      { successesA: 0, trialsA: 100, successesB: 0, trialsB: 100 },
      { successesA: 100, trialsA: 100, successesB: 50, trialsB: 50 },
      { successesA: 3, trialsA: 10, successesB: 0, trialsB: 0 },
    ]) {
      const test = twoProportionZTest(input);
      expect(test.z).toBe(0);
      expect(test.pValue).toBe(1);
      for (const value of [
        test.rateA,
        test.rateB,
        test.confidenceInterval.lower,
        test.confidenceInterval.upper,
      ])
        expect(Number.isFinite(value)).toBe(true);
    }
  });

  it("rejects more successes than trials and a confidence outside (0, 1), naming the field", () => {
    const bad = [
      [{ successesA: 11, trialsA: 10, successesB: 0, trialsB: 10 }, "successesA"],
      [{ successesA: 1, trialsA: 10, successesB: 0, trialsB: 10, confidence: 1 }, "confidence"],
      [{ successesA: 1.5, trialsA: 10, successesB: 0, trialsB: 10 }, "successesA"],
    ] as const;
    for (const [input, field] of bad) {
      try {
        twoProportionZTest(input);
        expect.unreachable();
      } catch (error) {
        expect(isCadenzaError(error, "VALIDATION")).toBe(true);
        if (isCadenzaError(error)) expect(error.issues[0]?.path).toEqual([field]);
      }
    }
  });
});
