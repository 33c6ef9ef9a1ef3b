import { describe, expect, it } from "vitest";
import { erfc, normalCdf, normalQuantile, twoSidedPValue } from "./normal-distribution.js";

/** |actual − expected| / |expected| ≤ tolerance (or absolute, for expected = 0). */
function expectRelative(actual: number, expected: number, tolerance: number) {
  const error = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

// Reference values: mpmath 1.3 at 40 significant digits (`mp.erfc`, `mp.ncdf`,
// `sqrt(2)·erfinv(2p − 1)`), rounded to 17 digits.
const ERFC = [
  [-6, 2.0],
  [-4.5, 1.999999999803384],
  [-2.25, 1.9985372834133188],
  [-1.5, 1.9661051464753108],
  [-0.75, 1.7111556336535152],
  [-0.25, 1.276326390168237],
  [0, 1],
  [0.2, 0.7772974107895215],
  [0.46, 0.5153446099983203],
  [0.46875, 0.507386526782062],
  [0.47, 0.5062549491139179],
  [0.8, 0.2578990352923395],
  [1, 0.15729920705028513],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047266],
  [2.25, 0.0014627165866811518],
  [3, 2.209049699858544e-5],
  [3.75, 1.1372725656979665e-7],
  [3.99, 1.6739211364520844e-8],
  [4.01, 1.4196939421371025e-8],
  [4.5, 1.9661604415428876e-10],
  [5, 1.537459794428035e-12],
  [5.25, 1.1310313266887154e-13],
  [6, 2.1519736712498913e-17],
  [7.5, 2.776649386030569e-26],
  [9, 4.13703174651381e-37],
  [10, 2.088487583762545e-45],
  [12, 1.3562611692059042e-64],
  [15, 7.212994172451207e-100],
  [18, 6.082369231816399e-143],
  [20, 5.395865611607901e-176],
  [22, 1.6219058609334726e-212],
  [26, 5.663192408856143e-296],
] as const;

const LOWER_TAIL = [
  [-1.96, 0.024997895148220435],
  [-3, 0.0013498980316300946],
  [-5, 2.866515718791939e-7],
  [-8, 6.220960574271784e-16],
  [-10, 7.619853024160525e-24],
  [-20, 2.7536241186062337e-89],
  [-37, 5.725571222524577e-300],
  [0, 0.5],
  [1.2, 0.8849303297782918],
] as const;

const QUANTILES = [
  [0.5, 0],
  [0.8, 0.8416212335729142],
  [0.9, 1.2815515655446006],
  [0.95, 1.6448536269514726],
  [0.975, 1.9599639845400543],
  [0.995, 2.575829303548901],
  [0.999, 3.0902323061678136],
  [0.025, -1.9599639845400543],
  [1e-4, -3.7190164854556804],
  [1e-10, -6.361340902404057],
] as const;

describe("the complementary error function", () => {
  it("matches 40-digit reference values to 1e-14 relative, across all three of Cody's intervals", () => {
    for (const [x, expected] of ERFC) expectRelative(erfc(x), expected, 1e-14);
  });

  it("underflows to 0 far in the tail and is NaN for NaN", () => {
    expect(erfc(27)).toBe(0);
    expect(erfc(-27)).toBe(2);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
  });

  it("is far more precise in the tail than Abramowitz–Stegun 7.1.26", () => {
    // A&S 7.1.26 has an absolute error up to 1.5e-7, i.e. no correct digit below erfc ≈ 1e-7.
    const t = 1 / (1 + 0.3275911 * 4.5);
    const poly =
      t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    const coarse = poly * Math.exp(-4.5 * 4.5);
    const reference = 1.9661604415428876e-10;
    expect(Math.abs(coarse - reference) / reference).toBeGreaterThan(1e-4);
    expectRelative(erfc(4.5), reference, 1e-14);
  });
});

describe("the normal distribution", () => {
  it("gives lower-tail probabilities to 1e-13 relative, down to 1e-300", () => {
    for (const [z, expected] of LOWER_TAIL) expectRelative(normalCdf(z), expected, 1e-13);
  });

  it("gives two-sided p-values equal to twice the lower tail", () => {
    expectRelative(twoSidedPValue(1.96), 2 * 0.024997895148220435, 1e-14);
    expectRelative(twoSidedPValue(-8), 2 * 6.220960574271784e-16, 1e-13);
    expect(twoSidedPValue(0)).toBe(1);
  });

  it("inverts the CDF to 1e-14", () => {
    for (const [p, expected] of QUANTILES) {
      if (expected === 0) expect(Math.abs(normalQuantile(p))).toBeLessThan(1e-15);
      else expectRelative(normalQuantile(p), expected, 1e-14);
    }
    // Round trips stop at z = 3: above, p = Φ(z) sits so close to 1 that a double cannot hold it.
    for (let z = -8; z <= 3; z += 0.37) expect(normalQuantile(normalCdf(z))).toBeCloseTo(z, 11);
  });

  it("has infinite quantiles at 0 and 1 and none outside", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
  });
});
