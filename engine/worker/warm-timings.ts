import type { RunResult } from "../../shared/run";
import { quantile } from "../measure/stats";

/** The warm-pass figures of a run: median, p90, count, and the samples themselves for later comparisons. */
export function warmTimings(warmMs: readonly number[]): Pick<RunResult["timings"], "warmForwardMs" | "p90ForwardMs" | "warmRuns" | "samplesMs"> {
  const sorted = [...warmMs].sort((a, b) => a - b);
  return {
    warmForwardMs: sorted.length ? quantile(sorted, 0.5) : null,
    p90ForwardMs: sorted.length ? quantile(sorted, 0.9) : null,
    warmRuns: warmMs.length,
    samplesMs: [...warmMs],
  };
}
