/**
 * The scripts' time budgets. The timing itself is `tandem bench`'s (engine/measure/timer.ts:
 * blocked calls in the manner of torch.utils.benchmark's `blocked_autorange`, interleaved rounds);
 * bench/torch_peer.py times its side with blocks sized the same way.
 */
import type { MeasurePlan } from "../engine/measure/timer";

export { BLOCK_TARGET_MS, SINGLE_CALL_MS } from "../engine/measure/timer";

export interface BlockPlan {
  /** Keep timing at least this long after warm-up... */
  budgetMs: number;
  /** ...but take at least this many samples per variant... */
  minBlocks: number;
  /** ...and at most this many, so a fast machine does not spin for the whole budget needlessly. */
  maxBlocks: number;
  /** Untimed running before sampling: lets V8 optimise the JS path and the allocator settle. */
  warmupMs: number;
}

/** A script's plan as measureInterleaved takes it: the whole budget, no early stop on a tight CI. */
export function measurePlan(plan: BlockPlan): MeasurePlan {
  return { warmupMs: plan.warmupMs, minTimeMs: plan.budgetMs, maxTimeMs: plan.budgetMs, minBlocks: plan.minBlocks, maxBlocks: plan.maxBlocks, targetRelCi: 0 };
}
