/**
 * Blocked timing in the style of torch.utils.benchmark's `blocked_autorange`: a single call is too
 * short to time reliably (timer resolution, per-sample overhead), so each sample is a block of
 * `calls` back-to-back calls and the sample is the block time divided by `calls`.
 * bench/torch_peer.py implements the same procedure so both sides are measured alike.
 */

/** Runs `calls` calls of the thing being measured, including any per-block setup it needs (a scope). */
export type Block = (calls: number) => void;

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

export interface Variant {
  name: string;
  block: Block;
  calls: number;
}

const now = (): number => performance.now();

function timeBlock(block: Block, calls: number): number {
  const start = now();
  block(calls);
  return now() - start;
}

/** Best of three: a preemption during calibration would otherwise shrink every block after it. */
function fastestBlock(block: Block, calls: number): number {
  return Math.min(timeBlock(block, calls), timeBlock(block, calls), timeBlock(block, calls));
}

/**
 * How many calls make one block last about `targetMs`: doubles until a block is a quarter of the
 * target (so the estimate is not dominated by timer noise), then scales linearly.
 */
export function calibrateCalls(block: Block, targetMs: number, maxCalls = 1 << 20): number {
  let calls = 1;
  for (;;) {
    const ms = fastestBlock(block, calls);
    if (ms >= targetMs / 4 || calls >= maxCalls) {
      return Math.min(maxCalls, Math.max(1, Math.ceil((calls * targetMs) / Math.max(ms, 1e-3))));
    }
    calls *= 2;
  }
}

/** Runs every variant untimed for `ms`; call before calibrating too, or the first slow calls skew it. */
export function warmUp(variants: readonly Variant[], ms: number): void {
  const end = now() + ms;
  do for (const v of variants) v.block(v.calls);
  while (now() < end);
}

/** The block sizes `tandem bench` uses too (engine/bench/timer.ts, its async, interleaved sibling). */
import { BLOCK_TARGET_MS, SINGLE_CALL_MS } from "../engine/bench/timer";
export { BLOCK_TARGET_MS, SINGLE_CALL_MS };

/** Calls per block: 1 for calls of a millisecond or more, else enough to fill BLOCK_TARGET_MS. */
export function chooseCalls(block: Block): number {
  const single = fastestBlock(block, 1);
  return single >= SINGLE_CALL_MS ? 1 : calibrateCalls(block, BLOCK_TARGET_MS);
}

/**
 * Times several variants in interleaved rounds and returns each one's per-call samples in ms.
 * Rounds alternate the order (A B, B A, A B, ...): drift such as thermal or a neighbour's load hits
 * every variant alike, and no variant always runs right after another's garbage.
 */
export function measureInterleaved(variants: readonly Variant[], plan: BlockPlan): Map<string, number[]> {
  warmUp(variants, plan.warmupMs);
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const start = now();
  for (let round = 0; round < plan.maxBlocks; round++) {
    if (round >= plan.minBlocks && now() - start >= plan.budgetMs) break;
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) samples.get(v.name)?.push(timeBlock(v.block, v.calls) / v.calls);
  }
  return samples;
}
