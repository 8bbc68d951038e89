/** Interleaved blocked timing, driven by a fake clock so the procedure itself is what is tested. */
import { describe, expect, it } from "vitest";
import { type MeasurePlan, type TimedVariant, callsFor, chooseCalls, measureInterleaved, roundOrders } from "./timer";

/** Variants whose calls cost a fixed number of fake ms each; the clock moves only when they run. */
function fake(costs: number[], jitter: (variant: number, call: number) => number = () => 0) {
  let clock = 0;
  const calls = costs.map(() => 0);
  const variants: TimedVariant[] = costs.map((cost, v) => ({
    name: `v${v}`,
    block: (n: number) => {
      for (let i = 0; i < n; i++) clock += cost + jitter(v, (calls[v] = (calls[v] as number) + 1));
    },
  }));
  return { variants, now: () => clock, yieldToLoop: async () => {} };
}

const plan = (over: Partial<MeasurePlan> = {}): MeasurePlan => ({ warmupMs: 10, minTimeMs: 50, maxTimeMs: 200, minBlocks: 4, maxBlocks: 1000, targetRelCi: 0.01, ...over });

describe("measureInterleaved", () => {
  it("runs one block of every variant per round, each odd round the mirror of the one before", async () => {
    const f = fake([2, 3, 5, 7]);
    const m = await measureInterleaved(f.variants, plan({ maxBlocks: 40, minTimeMs: 1e9, maxTimeMs: 1e9 }), f);
    expect(m.rounds).toBe(40);
    const rounds = Array.from({ length: 40 }, (_, r) => m.order.slice(r * 4, r * 4 + 4));
    for (const [r, order] of rounds.entries()) {
      expect([...order].sort()).toEqual([0, 1, 2, 3]);
      if (r % 2 === 1) expect(order).toEqual([...(rounds[r - 1] as number[])].reverse());
    }
    // Mirrored pairs: every variant sits at every position equally often...
    for (let v = 0; v < 4; v++) {
      const positions = rounds.map((o) => o.indexOf(v));
      expect(positions.reduce((a, b) => a + b, 0)).toBe(40 * 1.5);
    }
    // ...and the shuffle gives a variant more than the two predecessors a fixed order would.
    const before = new Set(rounds.flatMap((o) => o.flatMap((v, i) => (v === 1 && i > 0 ? [o[i - 1]] : []))));
    expect(before.size).toBeGreaterThan(2);
    expect(m.samples.map((s) => s.length)).toEqual([40, 40, 40, 40]);
    expect(m.stopReason).toBe("max-blocks");
  });

  it("alternates two variants strictly: A B, B A, ...", () => {
    const order = roundOrders(2);
    const rounds = Array.from({ length: 10 }, (_, r) => order(r));
    for (const [r, o] of rounds.entries()) if (r % 2 === 1) expect(o).toEqual([...(rounds[r - 1] as number[])].reverse());
    // Consecutive blocks across a round boundary may repeat a variant; within a pair the order flips.
    expect(rounds.every((o) => o.length === 2 && o[0] !== o[1])).toBe(true);
  });

  it("groups sub-ms calls into blocks of about 5 ms and reports the per-call time", async () => {
    const f = fake([0.01, 2]);
    const m = await measureInterleaved(f.variants, plan(), f);
    expect(m.callsPerBlock[0]).toBeGreaterThanOrEqual(400);
    expect(m.callsPerBlock[1]).toBe(1);
    expect(m.samples[0]?.every((s) => Math.abs(s - 0.01) < 1e-9)).toBe(true);
    expect(m.samples[1]?.every((s) => Math.abs(s - 2) < 1e-9)).toBe(true);
    expect(m.callsPerBlock[0]).toBe(callsFor(0.01));
    expect(await chooseCalls(f.variants[0]?.block ?? (() => {}), f.now)).toBeGreaterThanOrEqual(400);
  });

  it("sizes blocks again from pilot rounds, so a preemption during the first sizing does not stick", async () => {
    // Variant 0's first 30 calls are slow (a neighbour's burst while it was being sized).
    const f = fake([0.01, 0.01], (v, call) => (v === 0 && call < 30 ? 0.5 : 0));
    const m = await measureInterleaved(f.variants, plan({ warmupMs: 0 }), f);
    expect(m.callsPerBlock).toEqual([callsFor(0.01), callsFor(0.01)]);
  });

  it("re-sizes a fast call that its first sizing took for a slow one (timed alone)", async () => {
    const f = fake([0.2, 0.2], (v, call) => (v === 1 && call < 8 ? 2 : 0)); // sized at 2.2 ms: 1 call
    const m = await measureInterleaved(f.variants, plan({ warmupMs: 0 }), f);
    expect(m.callsPerBlock).toEqual([callsFor(0.2), callsFor(0.2)]);
    expect(callsFor(0.2)).toBe(25);
  });

  it("times calls of 25 ms and more one per block, and takes them out of the pilot early", async () => {
    const f = fake([30, 0.5]);
    const m = await measureInterleaved(f.variants, plan({ warmupMs: 0, minTimeMs: 0, maxTimeMs: 0 }), f);
    expect(m.callsPerBlock).toEqual([1, 10]);
  });

  it("stops as soon as the medians are tight once the minimum time is spent", async () => {
    const f = fake([1, 1.5]);
    const m = await measureInterleaved(f.variants, plan(), f);
    expect(m.stopReason).toBe("converged");
    expect(m.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(m.elapsedMs).toBeLessThan(200);
  });

  it("stops at the time limit when the spread stays wide", async () => {
    const f = fake([1, 1], (_, call) => (call % 2 === 0 ? 0 : 3));
    const m = await measureInterleaved(f.variants, plan({ targetRelCi: 1e-6 }), f);
    expect(m.stopReason).toBe("max-time");
    expect(m.elapsedMs).toBeGreaterThanOrEqual(200);
  });

  it("returns what it measured when asked to stop (Ctrl-C), every variant with the same rounds", async () => {
    const f = fake([1, 2]);
    let rounds = 0;
    const m = await measureInterleaved(f.variants, plan({ minTimeMs: 1e9, maxTimeMs: 1e9 }), {
      ...f,
      onProgress: (p) => {
        if (p.phase === "measure") rounds = p.rounds;
      },
      shouldStop: () => rounds >= 5,
    });
    expect(m.stopReason).toBe("stopped");
    expect(m.rounds).toBe(5);
    expect(m.samples.map((s) => s.length)).toEqual([5, 5]);
  });

  it("stops during warm-up with no samples rather than hanging", async () => {
    const f = fake([1]);
    const m = await measureInterleaved(f.variants, plan(), { ...f, shouldStop: () => true });
    expect(m.stopReason).toBe("stopped");
    expect(m.samples[0]).toEqual([]);
  });

  it("brackets each timed block with onBlock(variant) and onBlock(null)", async () => {
    const f = fake([1, 2]);
    const seen: (number | null)[] = [];
    await measureInterleaved(f.variants, plan({ maxBlocks: 2, minTimeMs: 1e9, maxTimeMs: 1e9 }), { ...f, onBlock: (v) => seen.push(v) });
    // Two rounds, the second the mirror of the first.
    expect(seen.filter((v) => v !== null)).toHaveLength(4);
    expect(seen.filter((_, i) => i % 2 === 1).every((v) => v === null)).toBe(true);
    const blocks = seen.filter((v): v is number => v !== null);
    expect(blocks.slice(2)).toEqual(blocks.slice(0, 2).reverse());
  });
});
