/** The statistics behind every bench figure, on synthetic samples whose answers are known. */
import { describe, expect, it } from "vitest";
import { isNoisy, medianRatioOverBaseline, medianCi, quantile, relativeCiHalfWidth, seededRandom, summarize } from "./stats";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("summarize", () => {
  it("gives numpy's type-7 quantiles, the mean, min, max and IQR", () => {
    const s = summarize([...range(100)].reverse());
    expect(s.n).toBe(100);
    expect(s.median).toBeCloseTo(50.5, 10);
    expect(s.mean).toBeCloseTo(50.5, 10);
    expect(s.p90).toBeCloseTo(90.1, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
    expect(s.iqr).toBeCloseTo(75.25 - 25.75, 10);
    expect(s.iqrOverMedian).toBeCloseTo(49.5 / 50.5, 10);
  });

  it("handles one sample and refuses none", () => {
    const s = summarize([3]);
    expect([s.median, s.p99, s.min, s.max, s.iqr]).toEqual([3, 3, 3, 3, 0]);
    expect(() => summarize([])).toThrow(RangeError);
    expect(quantile([1, 2], 0.5)).toBe(1.5);
  });

  it("flags a spread above 10% of the median as noisy", () => {
    expect(isNoisy(summarize([1, 1, 1, 1, 1.05]))).toBe(false);
    expect(isNoisy(summarize([1, 2, 3, 4, 5]))).toBe(true);
  });
});

describe("median confidence interval", () => {
  it("brackets the median and narrows as samples grow", () => {
    const random = seededRandom(7);
    const draw = (n: number) => Array.from({ length: n }, () => 10 + random());
    const small = Float64Array.from(draw(30)).sort();
    const large = Float64Array.from(draw(3000)).sort();
    for (const s of [small, large]) {
      const [lo, hi] = medianCi(s);
      expect(lo).toBeLessThanOrEqual(quantile(s, 0.5));
      expect(hi).toBeGreaterThanOrEqual(quantile(s, 0.5));
    }
    expect(relativeCiHalfWidth([...large])).toBeLessThan(relativeCiHalfWidth([...small]));
    expect(relativeCiHalfWidth([1, 2])).toBe(Infinity);
  });
});

describe("medianRatioOverBaseline, paired (interleaved rounds)", () => {
  /** Log-normal noise around `scale`, plus a drift shared by both variants in the same round. */
  function pair(seed: number, n: number, ratio: number): { a: number[]; b: number[] } {
    const random = seededRandom(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      const drift = 1 + 0.3 * Math.sin(i / 7); // both variants slow down and speed up together
      a.push(ratio * drift * Math.exp(0.1 * normal()));
      b.push(drift * Math.exp(0.1 * normal()));
    }
    return { a, b };
  }

  it("contains the true ratio on synthetic data (coverage over many data sets)", () => {
    let covered = 0;
    const trials = 40;
    for (let seed = 1; seed <= trials; seed++) {
      const { a, b } = pair(seed, 80, 2);
      const r = medianRatioOverBaseline(a, b, { paired: true, resamples: 400, seed });
      expect(r.ci[0]).toBeLessThanOrEqual(r.ratio);
      expect(r.ci[1]).toBeGreaterThanOrEqual(r.ratio);
      if (r.ci[0] <= 2 && 2 <= r.ci[1]) covered++;
    }
    // A 95% interval: allow for a few misses and the bootstrap's small-sample optimism.
    expect(covered / trials).toBeGreaterThanOrEqual(0.85);
  });

  it("is deterministic for a seed and cuts unequal lengths to the shorter", () => {
    const { a, b } = pair(3, 50, 1.5);
    const paired = { paired: true, resamples: 200, seed: 9 };
    expect(medianRatioOverBaseline(a, b, paired)).toEqual(medianRatioOverBaseline(a, b, paired));
    const cut = medianRatioOverBaseline(a, b.slice(0, 40), paired);
    expect(cut.ratio).toBeCloseTo(medianRatioOverBaseline(a.slice(0, 40), b.slice(0, 40), paired).ratio, 12);
  });
});
