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

export interface MedianRatio {
  /** median(samples) / median(baseline): above 1, `samples` took longer. */
  ratio: number;
  /** The percentile-bootstrap interval of the ratio at `level`. */
  ci: [number, number];
  level: number;
  resamples: number;
  /** The interval excludes 1. */
  significant: boolean;
}

export interface MedianRatioOptions {
  /**
   * The two sides were taken in interleaved rounds (tandem bench), so sample i of each comes from
   * the same round: the bootstrap resamples whole rounds (pairs), which keeps the drift that hit
   * both in a round together instead of counting it twice as noise; unequal lengths (a run stopped
   * mid-round) are cut to the shorter. Unpaired (two separate runs, sessions compare), each side is
   * resampled on its own, which assumes the samples of a run are exchangeable (no drift within it).
   */
  paired?: boolean;
  resamples?: number;
  level?: number;
  /** Seeded: the same data gives the same interval every time. */
  seed?: number;
}

/**
 * The ratio of medians of `samples` over `baseline` (how many times the baseline's time), with a
 * percentile-bootstrap interval. Timings are skewed and few, which is what the bootstrap is for.
 */
export function medianRatioOverBaseline(samples: readonly number[], baseline: readonly number[], options: MedianRatioOptions = {}): MedianRatio {
  const { paired = false, resamples = 1000, level = 0.95, seed = 1 } = options;
  const cut = paired ? Math.min(samples.length, baseline.length) : null;
  const top = cut === null ? samples : samples.slice(0, cut);
  const bottom = cut === null ? baseline : baseline.slice(0, cut);
  if (paired ? top.length === 0 : top.length < 2 || bottom.length < 2) {
    throw new RangeError(paired ? "ratio of no samples" : "the bootstrap needs at least 2 samples on each side");
  }
  const ratio = medianOf(Float64Array.from(top)) / medianOf(Float64Array.from(bottom));
  const random = seededRandom(seed);
  const ratios = new Float64Array(resamples);
  const rt = new Float64Array(top.length);
  const rb = new Float64Array(bottom.length);
  const draw = (from: readonly number[], into: Float64Array) => {
    for (let i = 0; i < into.length; i++) into[i] = from[Math.floor(random() * from.length)] as number;
  };
  for (let r = 0; r < resamples; r++) {
    if (paired) {
      for (let i = 0; i < rt.length; i++) {
        const k = Math.floor(random() * rt.length);
        rt[i] = top[k] as number;
        rb[i] = bottom[k] as number;
      }
    } else {
      draw(top, rt);
      draw(bottom, rb);
    }
    ratios[r] = medianOf(rt) / medianOf(rb);
  }
  ratios.sort();
  const tail = (1 - level) / 2;
  const ci: [number, number] = [quantile(ratios, tail), quantile(ratios, 1 - tail)];
  return { ratio, ci, level, resamples, significant: ci[0] > 1 || ci[1] < 1 };
}
