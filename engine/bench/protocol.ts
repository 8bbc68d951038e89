import { z } from "zod";
import { BenchOutcome, BenchProgress, BenchRequest } from "../../shared/bench";

/**
 * Messages between `tandem bench` (engine/bench/runner.ts) and its worker (engine/bench/worker.ts),
 * validated on both ends. The bench worker is an entry of its own (dist/bench.mjs) rather than a
 * job of the run worker: a benchmark lasts minutes, streams progress and must stop on request
 * with what it measured, which the one-shot run protocol has no words for.
 */
export const ToBenchWorker = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bench"), request: BenchRequest }),
  /** Finish the block in progress, skip what is left, and reply with what was measured. */
  z.object({ type: z.literal("stop") }),
]);
export type ToBenchWorker = z.infer<typeof ToBenchWorker>;

export const FromBenchWorker = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), pid: z.number().int() }),
  z.object({ type: z.literal("progress"), progress: BenchProgress }),
  z.object({ type: z.literal("done"), outcome: BenchOutcome }),
]);
export type FromBenchWorker = z.infer<typeof FromBenchWorker>;
