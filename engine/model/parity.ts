import type * as tf from "@tensorflow/tfjs-core";
import { toJsonFloat } from "../../shared/float";
import type { NonFiniteMismatch, Parity } from "../../shared/graph";

/** The row-major flat index as a multi-index of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, rest = flat; d >= 0; d--) {
    const size = shape[d] as number;
    index[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

/**
 * How far a graph output is from eager's: max abs and rel difference over the places where both
 * are finite, and the size of eager's finite values. NaN against NaN (or an infinity against the
 * same one) is agreement; a non-finite value on one side only is a mismatch, reported by place.
 */
export function parity(name: string, actual: tf.Tensor, expected: tf.Tensor): Parity {
  return parityOfValues(name, actual.shape, actual.dataSync(), expected.dataSync());
}

/** The same on flat values (float32, int32 or bool bytes read as numbers). */
export function parityOfValues(name: string, shape: readonly number[], actual: ArrayLike<number>, expected: ArrayLike<number>): Parity {
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let scale = 0;
  let first = -1;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isFinite(e)) scale = Math.max(scale, Math.abs(e));
    if (Number.isFinite(a) && Number.isFinite(e)) {
      const diff = Math.abs(a - e);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      maxRelDiff = Math.max(maxRelDiff, diff / Math.max(Math.abs(e), 1e-12));
    } else if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
      if (first < 0) first = i;
      count++;
    }
  }
  const mismatch: NonFiniteMismatch | null =
    first < 0 ? null : { index: unravel(first, shape), actual: toJsonFloat(actual[first] as number), expected: toJsonFloat(expected[first] as number), count };
  return { output: name, maxAbsDiff, maxRelDiff, scale, mismatch, notCompared: null };
}
export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * The stated tolerance for graph vs eager: float32 results from different kernel libraries (and
 * reassociated sums after folding) agree to about 1e-6 relative; 1e-4 leaves room for long sums.
 */
export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };

/**
 * The stated tolerance for a dynamic-int8 export vs float eager: 5% of the output's largest
 * magnitude. 7-bit weights and 8-bit activations (scale = range / 255) leave each product about
 * 1% off, and the examples measured 1.5% (MLP, three layers) and 1.1% (transformer block) of
 * their largest logit; 5% leaves room for deeper stacks of layers, while a broken quantization
 * (full-range int8 weights saturating the AVX2 kernel: 17-23%) is still refused.
 */
export const QUANTIZED_TOLERANCE: Tolerance = { atol: 1e-3, rtol: 5e-2 };

/** allclose on the max norm: the same NaNs and infinities, and every other |a - e| <= atol + rtol * max|e|. */
/** An output whose values cannot be compared (`notCompared`) is not judged against the tolerance. */
export const withinTolerance = (p: Parity, t: Tolerance = DEFAULT_TOLERANCE): boolean => p.notCompared !== null || (p.mismatch === null && p.maxAbsDiff <= t.atol + t.rtol * p.scale);
