/**
 * Per-op dispatch cost: a chain of tiny adds (`x = x.add(y)` on [4] tensors) through Tandem's API
 * versus the same chain through raw `tf.add`, on the same tensors in the same process. On tensors
 * this small the kernel itself is nearly free, so the time is dispatch: tfjs's engine for both,
 * plus Tandem's wrapper (dtype promotion, broadcasting check, Tensor allocation) for one.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as T from "../engine/api";
import { type Block, measureInterleaved } from "../engine/measure/timer";
import { type Summary, scaleSummary, summarize } from "./stats";
import { type BlockPlan, measurePlan } from "./timer";

export const CHAIN_LENGTH = 1000;
export const CHAIN_SHAPE = [4];

export interface OverheadResult {
  chainLength: number;
  shape: number[];
  /** Per-op time through Tandem, µs. */
  tandemUs: Summary;
  /** Per-op time through raw tfjs, µs. */
  rawUs: Summary;
  /** tandem.median - raw.median, µs: what Tandem adds to every op. */
  addedUs: number;
  /** tandem.median / raw.median. */
  ratio: number;
  /** Per-round (tandem - raw) differences, µs: paired, so drift between rounds cancels. */
  pairedAddedUs: Summary;
}

/**
 * A call is the whole chain of CHAIN_LENGTH ops inside one tfjs scope, closed inside the timed
 * region: every op allocates an output that must be freed, and torch pays that cost too (refcount
 * drop on reassignment), so disposal belongs in the per-op number. A chain lasts over a
 * millisecond, so measureInterleaved times one per block, as the torch peer does.
 */
function chainBlock(reset: () => void, step: () => void): Block {
  return (calls) => {
    for (let c = 0; c < calls; c++) {
      reset();
      tf.engine().startScope();
      for (let i = 0; i < CHAIN_LENGTH; i++) step();
      tf.engine().endScope();
    }
  };
}

/** Measures on whatever backend is active; the caller switches backends. */
export async function measureEagerOverhead(plan: BlockPlan): Promise<OverheadResult> {
  const x0 = T.ones(CHAIN_SHAPE);
  const y = T.ones(CHAIN_SHAPE);
  const rawY = y.raw;
  // The chain state lives outside the step closures so each step is exactly one op call.
  let x = x0;
  let rawX = x0.raw;
  const reset = () => {
    x = x0;
    rawX = x0.raw;
  };
  const tandem = chainBlock(reset, () => {
    x = x.add(y);
  });
  const raw = chainBlock(reset, () => {
    rawX = tf.add(rawX, rawY);
  });

  const before = tf.memory().numTensors;
  const measured = await measureInterleaved(
    [
      { name: "tandem", block: tandem },
      { name: "raw", block: raw },
    ],
    measurePlan(plan),
  );
  const leaked = tf.memory().numTensors - before;
  x0.raw.dispose();
  rawY.dispose();
  // A leak would mean the scope is not freeing the chain, and the numbers would include GC pressure
  // that a real forward pass (run under a scope) does not have.
  if (leaked !== 0) throw new Error(`eager overhead chain leaked ${leaked} tensors`);

  // Samples are ms per chain: µs per op is 1000 / CHAIN_LENGTH of that.
  const perOpUs = 1000 / CHAIN_LENGTH;
  const [tandemMs = [], rawMs = []] = measured.samples;
  const tandemUs = scaleSummary(summarize(tandemMs), perOpUs);
  const rawUs = scaleSummary(summarize(rawMs), perOpUs);
  const paired = tandemMs.map((t, i) => (t - (rawMs[i] ?? t)) * perOpUs);
  return {
    chainLength: CHAIN_LENGTH,
    shape: CHAIN_SHAPE,
    tandemUs,
    rawUs,
    addedUs: tandemUs.median - rawUs.median,
    ratio: tandemUs.median / rawUs.median,
    pairedAddedUs: summarize(paired),
  };
}
