/** RSS sampling from a thread while the main thread is busy, and what is derived from the samples. */
import { describe, expect, it } from "vitest";
import { type BlockStart, type RssSample, peakBytes, readVmRss, startRssSampler, thin, variantMemory } from "./memory";

describe("the RSS sampler thread", () => {
  it("keeps sampling while the main thread is blocked, and its peak bounds every sample", async () => {
    const sampler = await startRssSampler(2);
    sampler.tag(0);
    // Busy main thread: allocate and touch ~64 MB synchronously, then spin until 150 ms have passed.
    const held: Buffer[] = [];
    const until = performance.now() + 150;
    while (held.length < 64 || performance.now() < until) if (held.length < 64) held.push(Buffer.alloc(1 << 20, 1));
    sampler.tag(-1);
    const samples = await sampler.stop();
    expect(held.length).toBe(64);
    const during = samples.filter((s) => s.tag === 0);
    expect(during.length).toBeGreaterThan(3);
    const peak = peakBytes(samples) as number;
    for (const s of samples) expect(peak).toBeGreaterThanOrEqual(s.bytes);
    expect(samples.every((s, i) => i === 0 || s.tMs >= (samples[i - 1] as RssSample).tMs)).toBe(true);
    expect(peak).toBeGreaterThan(32 << 20);
  });

  it("reads the same RSS as /proc/<pid>/status VmRSS (within 5%)", () => {
    const own = readVmRss(process.pid);
    if (own === null) return; // not Linux
    const rss = process.memoryUsage.rss();
    expect(Math.abs(rss - own) / own).toBeLessThan(0.05);
  });
});

describe("per-variant memory from tagged samples", () => {
  const blocks: BlockStart[] = [
    { variant: 0, startBytes: 100 },
    { variant: 1, startBytes: 110 },
    { variant: 0, startBytes: 105 },
  ];
  const samples: RssSample[] = [
    { tMs: 0, bytes: 100, tag: -1 },
    { tMs: 1, bytes: 130, tag: 0 },
    { tMs: 2, bytes: 120, tag: 1 },
    { tMs: 3, bytes: 108, tag: 2 },
    { tMs: 4, bytes: 90, tag: -1 },
  ];
  it("takes each variant's peak and its largest rise within one of its blocks", () => {
    expect(variantMemory(samples, blocks, 0)).toEqual({ count: 2, peak: 130, rise: 30 });
    expect(variantMemory(samples, blocks, 1)).toEqual({ count: 1, peak: 120, rise: 10 });
    expect(variantMemory(samples, blocks, 2)).toEqual({ count: 0, peak: null, rise: null });
    expect(peakBytes(samples)).toBe(130);
  });

  it("thins a timeline evenly and keeps the peak", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ tMs: i, bytes: i === 777 ? 1e9 : i, tag: -1 }));
    const few = thin(many, 50);
    expect(few.length).toBeLessThanOrEqual(50);
    expect(few.some((s) => s.bytes === 1e9)).toBe(true);
    expect(few.every((s, i) => i === 0 || s.tMs > (few[i - 1] as RssSample).tMs)).toBe(true);
  });
});
