/**
 * Order statistics for timing samples. Timings are skewed (GC pauses, preemption on a shared
 * machine), so we report medians and percentiles rather than means; bench/torch_peer.py uses the
 * same definitions so the two sides' numbers are comparable. `tandem bench` (engine/bench/stats.ts)
 * extends these with the mean, p99 and confidence intervals.
 */
import { quantile } from "../engine/bench/stats";

export interface Summary {
  /** Number of samples (blocks), not the number of calls timed. */
  n: number;
  median: number;
  p90: number;
  min: number;
  iqr: number;
  /** IQR / median: the relative spread we use to call a measurement noisy. */
  iqrOverMedian: number;
}

/** Above this relative spread a result is flagged: the median may be off by a comparable amount. */
export const NOISY_IQR_OVER_MEDIAN = 0.1;

/** Quantile with linear interpolation (numpy's "type 7"): the one engine/bench (tandem bench) uses. */
export { quantile };

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  return {
    n: sorted.length,
    median,
    p90: quantile(sorted, 0.9),
    min: sorted[0] as number,
    iqr,
    iqrOverMedian: median > 0 ? iqr / median : 0,
  };
}

export function isNoisy(s: Summary): boolean {
  return s.iqrOverMedian > NOISY_IQR_OVER_MEDIAN;
}

/** Multiplies every time-valued field by `factor` (ms -> µs); n and the ratio are unitless. */
export function scaleSummary(s: Summary, factor: number): Summary {
  return {
    n: s.n,
    median: s.median * factor,
    p90: s.p90 * factor,
    min: s.min * factor,
    iqr: s.iqr * factor,
    iqrOverMedian: s.iqrOverMedian,
  };
}
