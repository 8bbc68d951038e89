/**
 * Order statistics for timing samples. Timings are skewed (GC pauses, preemption on a shared
 * machine), so we report medians and percentiles rather than means; bench/torch_peer.py uses the
 * same definitions so the two sides' numbers are comparable. These are the fields of `tandem bench`'s
 * summary (engine/measure/stats.ts) that the suite reports; it adds the mean, p99 and a CI.
 */
import { summarize as summarizeTimes } from "../engine/measure/stats";

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

export { isNoisy } from "../engine/measure/stats";

/** The fields of `tandem bench`'s summary (engine/measure/stats.ts) that the suite reports. */
export function summarize(samples: readonly number[]): Summary {
  const { n, median, p90, min, iqr, iqrOverMedian } = summarizeTimes(samples);
  return { n, median, p90, min, iqr, iqrOverMedian };
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
