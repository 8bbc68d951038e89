import { describe, expect, it } from "vitest";
import { warmTimings } from "./warm-timings";

describe("warmTimings", () => {
  it("reports the median, p90 and the samples in run order", () => {
    const t = warmTimings([5, 1, 4, 2, 3, 10, 6, 7, 8, 9]);
    expect(t.warmForwardMs).toBe(5.5);
    expect(t.p90ForwardMs).toBeCloseTo(9.1, 10);
    expect(t.warmRuns).toBe(10);
    expect(t.samplesMs).toEqual([5, 1, 4, 2, 3, 10, 6, 7, 8, 9]);
  });

  it("has no median or p90 without warm passes", () => {
    expect(warmTimings([])).toEqual({ warmForwardMs: null, p90ForwardMs: null, warmRuns: 0, samplesMs: [] });
  });
});
