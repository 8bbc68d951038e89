/**
 * Statistics for timing samples. Timings are skewed (GC pauses, preemption on a shared machine), so
 * medians and percentiles lead and the mean is only reported beside them. Quantiles interpolate
 * linearly between order statistics (numpy's default, "type 7"), as bench/torch_peer.py does, so
 * both sides' numbers are comparable.
 */
import type { TimeSummary } from "../../shared/bench";

/** Above this relative spread a result is flagged: the median may be off by a comparable amount. */
export const NOISY_IQR_OVER_MEDIAN = 0.1;

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of no samples");
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

const sortedCopy = (xs: readonly number[]): Float64Array => Float64Array.from(xs).sort();

/**
 * A distribution-free 95% interval for the median: the order statistics at ranks
 * n/2 ± 1.96·√n/2 (the binomial's normal approximation). Exact enough from n ≈ 10 on.
 */
export function medianCi(sorted: ArrayLike<number>): [number, number] {
  const n = sorted.length;
  if (n === 0) throw new RangeError("median of no samples");
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [sorted[lo] as number, sorted[Math.max(lo, hi)] as number];
}

export function summarize(samples: readonly number[]): TimeSummary {
  const sorted = sortedCopy(samples);
  const n = sorted.length;
  if (n === 0) throw new RangeError("summary of no samples");
  const median = quantile(sorted, 0.5);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    n,
    mean: sum / n,
    median,
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    iqr,
    iqrOverMedian: median > 0 ? iqr / median : 0,
    medianCi: medianCi(sorted),
  };
}

export const isNoisy = (s: { iqrOverMedian: number }): boolean => s.iqrOverMedian > NOISY_IQR_OVER_MEDIAN;

/** Half the width of the median's 95% CI over the median: how well the median is pinned down. */
export function relativeCiHalfWidth(samples: readonly number[]): number {
  if (samples.length < 3) return Infinity;
  const sorted = sortedCopy(samples);
  const [lo, hi] = medianCi(sorted);
  const median = quantile(sorted, 0.5);
  return median > 0 ? (hi - lo) / 2 / median : Infinity;
}

/** mulberry32: a small seeded generator, so a bootstrap gives the same interval on the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function medianOf(values: Float64Array): number {
  values.sort();
  return quantile(values, 0.5);
}

/**
 * median(a) / median(b) and a percentile-bootstrap 95% interval for it. `a` and `b` were taken in
 * interleaved rounds, so sample i of each comes from the same round: the bootstrap resamples whole
 * rounds (pairs), which keeps the drift that hit both in a round together instead of counting it
 * twice as noise. Unequal lengths (a run stopped mid-round) are cut to the shorter.
 */
export function bootstrapRatio(a: readonly number[], b: readonly number[], resamples = 1000, seed = 1): { ratio: number; ci: [number, number]; resamples: number } {
  const n = Math.min(a.length, b.length);
  if (n === 0) throw new RangeError("ratio of no samples");
  const ratio = medianOf(Float64Array.from(a.slice(0, n))) / medianOf(Float64Array.from(b.slice(0, n)));
  const random = seededRandom(seed);
  const ratios = new Float64Array(resamples);
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      ra[i] = a[k] as number;
      rb[i] = b[k] as number;
    }
    ratios[r] = medianOf(ra) / medianOf(rb);
  }
  ratios.sort();
  return { ratio, ci: [quantile(ratios, 0.025), quantile(ratios, 0.975)], resamples };
}
