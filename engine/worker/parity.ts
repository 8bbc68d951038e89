import * as tf from "@tensorflow/tfjs-core";
import type { Parity } from "../../shared/graph";

/** How far a graph output is from eager's: max abs and rel difference, and the size of the values. */
export function parity(name: string, actual: tf.Tensor, expected: tf.Tensor): Parity {
  return tf.tidy(() => {
    const a = tf.cast(actual, "float32");
    const e = tf.cast(expected, "float32");
    const diff = tf.abs(tf.sub(a, e));
    const rel = tf.div(diff, tf.maximum(tf.abs(e), 1e-12));
    const first = (t: tf.Tensor) => t.dataSync()[0] as number;
    return { output: name, maxAbsDiff: first(tf.max(diff)), maxRelDiff: first(tf.max(rel)), scale: first(tf.max(tf.abs(e))) };
  });
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

/** allclose on the max norm: every |a - e| <= atol + rtol * max|e|. */
export const withinTolerance = (p: Parity, t: Tolerance = DEFAULT_TOLERANCE): boolean => p.maxAbsDiff <= t.atol + t.rtol * p.scale;
