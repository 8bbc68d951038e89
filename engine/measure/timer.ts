/**
 * Blocked, interleaved timing, in the manner of torch.utils.benchmark's `blocked_autorange`:
 *
 * - warm-up: every variant runs untimed first (V8 optimises the JS path, kernels pick layouts,
 *   onnxruntime allocates its arena);
 * - blocks: a call shorter than SINGLE_CALL_MS is timed in blocks of back-to-back calls lasting
 *   about BLOCK_TARGET_MS, so the clock's resolution and the per-sample overhead are negligible;
 *   a sample is the block time over its calls. Blocks are sized once from the fastest of a few
 *   tries, then again from the fastest of a few interleaved pilot rounds, so that every variant's
 *   blocks last about as long;
 * - interleaving: one block of every variant per round, in a shuffled order that the next round
 *   runs reversed (B A C, C A B, A C B, B C A...), so drift (thermal, a neighbour's load) hits
 *   every variant alike and no variant always follows another's garbage, caches or threads;
 * - stopping: after `minTimeMs` and `minBlocks`, as soon as every variant's median is pinned down
 *   (95% CI within `targetRelCi` of it), else at `maxTimeMs` or `maxBlocks`, or when asked to stop.
 *
 * Blocks may be async (onnxruntime-node's run() hops through setImmediate); the event loop is
 * given a turn between rounds, outside the timed region, so a stop request can arrive.
 */
import { relativeCiHalfWidth, seededRandom } from "./stats";

/** Runs `calls` calls of the thing being measured, with any per-block setup it needs (a scope). */
export type Block = (calls: number) => void | Promise<void>;

export interface TimedVariant {
  name: string;
  block: Block;
}

export interface MeasurePlan {
  warmupMs: number;
  minTimeMs: number;
  maxTimeMs: number;
  minBlocks: number;
  maxBlocks: number;
  targetRelCi: number;
}

export type StopReason = "converged" | "max-time" | "max-blocks" | "stopped";

export interface MeasureHooks {
  /** Polled between blocks; true ends the measurement with what it has. */
  shouldStop?: () => boolean;
  /** Called with the variant's index before each timed block, and with null after it. */
  onBlock?: (variant: number | null) => void;
  onProgress?: (p: { phase: "warm-up" | "calibrate" | "measure"; elapsedMs: number; budgetMs: number; rounds: number }) => void;
  /** The clock (ms); tests inject a fake one. */
  now?: () => number;
  /** Gives the event loop a turn; tests may make it a no-op. */
  yieldToLoop?: () => Promise<void>;
}

export interface Measurement {
  /** Per-call samples (ms) of each variant, one per round, in round order. */
  samples: number[][];
  callsPerBlock: number[];
  /** Variant index of every timed block, in the order they ran. */
  order: number[];
  rounds: number;
  /** Time spent in the measuring rounds (warm-up and calibration not included). */
  elapsedMs: number;
  stopReason: StopReason;
}

/** A call at least this long is timed alone: one per block keeps the per-call spread visible. */
export const SINGLE_CALL_MS = 1;
/** Shorter calls are grouped into blocks of about this length. */
export const BLOCK_TARGET_MS = 5;
/** Untimed rounds after the first sizing, whose medians size the blocks again. */
export const PILOT_ROUNDS = 5;
/** A call this slow is timed alone whatever the pilot says; it leaves the pilot after one round. */
const PILOT_SLOW_MS = 25;
/** How often (ms of measuring) the stopping rule is evaluated; it sorts every variant's samples. */
const CHECK_EVERY_MS = 100;

const defaultYield = () => new Promise<void>((resolve) => setImmediate(resolve));

async function timeBlock(block: Block, calls: number, now: () => number): Promise<number> {
  const start = now();
  const pending = block(calls);
  if (pending) await pending;
  return now() - start;
}

/**
 * Calls per block: 1 for calls of SINGLE_CALL_MS or more; else doubles until a block is a quarter
 * of the target (so the estimate is not timer noise), then scales linearly. Best of three per size:
 * a preemption during calibration would otherwise shrink every block after it.
 */
export async function chooseCalls(block: Block, now: () => number = () => performance.now(), targetMs = BLOCK_TARGET_MS, maxCalls = 1 << 20): Promise<number> {
  const fastest = async (calls: number) => Math.min(await timeBlock(block, calls, now), await timeBlock(block, calls, now), await timeBlock(block, calls, now));
  if ((await fastest(1)) >= SINGLE_CALL_MS) return 1;
  for (let calls = 2; ; calls *= 2) {
    const ms = await fastest(calls);
    if (ms >= targetMs / 4 || calls >= maxCalls) return Math.min(maxCalls, Math.max(1, Math.ceil((calls * targetMs) / Math.max(ms, 1e-3))));
  }
}

/** Calls per block for a per-call time: one from SINGLE_CALL_MS up, else enough for BLOCK_TARGET_MS. */
export function callsFor(perCallMs: number, maxCalls = 1 << 20): number {
  if (perCallMs >= SINGLE_CALL_MS) return 1;
  return Math.min(maxCalls, Math.max(1, Math.round(BLOCK_TARGET_MS / Math.max(perCallMs, 1e-6))));
}

/**
 * The order of every round, in pairs: an even round runs a shuffled order (seeded: the same for
 * the same variants), the odd round after it the exact reverse. Mirrored pairs give every variant
 * every position equally often; the shuffle changes which variant runs right before which (with a
 * fixed A B C / C B A, B would always follow A or C, and inherit their cache and thread-pool state).
 * With two variants this is plain alternation, A B, B A.
 */
export function roundOrders(variants: number, seed = 1): (round: number) => number[] {
  const random = seededRandom(seed);
  let current: number[] = [];
  return (round) => {
    if (round % 2 === 1) return [...current].reverse();
    current = Array.from({ length: variants }, (_, i) => i);
    for (let i = current.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [current[i], current[j]] = [current[j] as number, current[i] as number];
    }
    return current;
  };
}

export async function measureInterleaved(variants: readonly TimedVariant[], plan: MeasurePlan, hooks: MeasureHooks = {}): Promise<Measurement> {
  const now = hooks.now ?? (() => performance.now());
  const yieldToLoop = hooks.yieldToLoop ?? defaultYield;
  const stop = hooks.shouldStop ?? (() => false);
  const samples: number[][] = variants.map(() => []);
  const order: number[] = [];
  const result = (callsPerBlock: number[], rounds: number, elapsedMs: number, stopReason: StopReason): Measurement => ({ samples, callsPerBlock, order, rounds, elapsedMs, stopReason });

  // Warm-up: at least two calls of each, then until the time is up.
  const warmStart = now();
  const warmOrder = roundOrders(variants.length, 2);
  for (let round = 0; round < 2 || now() - warmStart < plan.warmupMs; round++) {
    for (const i of warmOrder(round)) await (variants[i] as TimedVariant).block(1);
    hooks.onProgress?.({ phase: "warm-up", elapsedMs: now() - warmStart, budgetMs: plan.warmupMs, rounds: round + 1 });
    await yieldToLoop();
    if (stop()) return result(variants.map(() => 1), 0, 0, "stopped");
  }

  const callsPerBlock: number[] = [];
  for (const v of variants) {
    hooks.onProgress?.({ phase: "calibrate", elapsedMs: 0, budgetMs: plan.maxTimeMs, rounds: 0 });
    callsPerBlock.push(await chooseCalls(v.block, now));
    await yieldToLoop();
    if (stop()) return result(callsPerBlock, 0, 0, "stopped");
  }

  // Pilot rounds, interleaved like the real ones, size the blocks again so every variant's blocks
  // last about as long. The first sizing can be thrown far off by one preemption, and block length
  // moves a median on a busy machine: longer blocks are preempted inside more often, shorter ones
  // pay more for the first, cache-cold call after another variant ran.
  // Every variant takes part, whatever its first sizing said (a preemption can make a 0.2 ms call
  // look like 2 ms); those whose pilot calls take PILOT_SLOW_MS or more leave after the first round.
  const pilot: number[][] = variants.map(() => []);
  let active = variants.map((_, i) => i);
  let pilotOrder = roundOrders(active.length, 3);
  let first = 0; // the round the current order generator started at
  for (let round = 0; active.length > 0 && round < PILOT_ROUNDS; round++) {
    for (const i of pilotOrder(round - first).map((k) => active[k] as number)) {
      const calls = callsPerBlock[i] as number;
      (pilot[i] as number[]).push((await timeBlock((variants[i] as TimedVariant).block, calls, now)) / calls);
    }
    if (round === 0) {
      active = active.filter((i) => (pilot[i]?.[0] ?? 0) < PILOT_SLOW_MS);
      pilotOrder = roundOrders(active.length, 4);
      first = 1;
    }
    hooks.onProgress?.({ phase: "calibrate", elapsedMs: 0, budgetMs: plan.maxTimeMs, rounds: 0 });
    await yieldToLoop();
    if (stop()) return result(callsPerBlock, 0, 0, "stopped");
  }
  // The fastest pilot block estimates a call's undisturbed time: busy-machine noise only adds time,
  // and sizing every variant from its undisturbed time gives them blocks of equal length.
  pilot.forEach((p, i) => (callsPerBlock[i] = callsFor(Math.min(...p))));

  const orderOf = roundOrders(variants.length);
  const start = now();
  let lastCheck = start;
  let rounds = 0;
  let reason: StopReason = "max-blocks";
  while (rounds < plan.maxBlocks) {
    for (const i of orderOf(rounds)) {
      const calls = callsPerBlock[i] as number;
      hooks.onBlock?.(i);
      const ms = await timeBlock((variants[i] as TimedVariant).block, calls, now);
      hooks.onBlock?.(null);
      (samples[i] as number[]).push(ms / calls);
      order.push(i);
    }
    rounds++;
    const elapsed = now() - start;
    hooks.onProgress?.({ phase: "measure", elapsedMs: elapsed, budgetMs: plan.maxTimeMs, rounds });
    await yieldToLoop();
    if (stop()) {
      reason = "stopped";
      break;
    }
    if (elapsed >= plan.maxTimeMs) {
      reason = "max-time";
      break;
    }
    if (elapsed >= plan.minTimeMs && rounds >= plan.minBlocks && now() - lastCheck >= CHECK_EVERY_MS) {
      lastCheck = now();
      if (samples.every((s) => relativeCiHalfWidth(s) <= plan.targetRelCi)) {
        reason = "converged";
        break;
      }
    }
  }
  return result(callsPerBlock, rounds, now() - start, reason);
}
