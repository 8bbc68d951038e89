/** Which measured matmul peak a variant's GFLOP/s is compared with. */
import { describe, expect, it } from "vitest";
import type { PeakResult } from "../../shared/bench";
import { peakFor } from "./peak";

const peak: PeakResult = {
  cpu: "test",
  time: "now",
  versions: {},
  entries: [
    { runtime: "tfjs-wasm", threads: 1, size: 512, ms: 1, gflops: 12 },
    { runtime: "tfjs-wasm", threads: 1, size: 1024, ms: 1, gflops: 15 },
    { runtime: "onnxruntime", threads: 1, size: 512, ms: 1, gflops: 60 },
    { runtime: "onnxruntime", threads: 2, size: 512, ms: 1, gflops: 25 }, // a busy machine
  ],
};

describe("peakFor", () => {
  it("uses tfjs-wasm's best for the tfjs modes and onnxruntime's best with at most the variant's threads", () => {
    expect(peakFor(peak, { mode: "eager", threads: 1 })).toBe(15);
    expect(peakFor(peak, { mode: "graph:tfjs", threads: 1 })).toBe(15);
    expect(peakFor(peak, { mode: "graph:ort", threads: 1 })).toBe(60);
    expect(peakFor(peak, { mode: "ort-bare", threads: 2 })).toBe(60);
  });

  it("says what is missing", () => {
    expect(peakFor(peak, { mode: "graph:ort", threads: 4 })).toHaveProperty("missing");
    expect(peakFor({ missing: "not measured" }, { mode: "eager", threads: 1 })).toEqual({ missing: "not measured" });
  });
});
