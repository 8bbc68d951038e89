import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { defineOp } from "../../eager/registry";
import { OpError, formatShape } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Inference only: with training=true the batch's own statistics are used and nothing is updated. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/** Reshapes a per-channel vector [C] to broadcast against [N, C, ...]. */
const perChannel = (t: tf.Tensor, rank: number): tf.Tensor => tf.reshape(t, [1, -1, ...Array<number>(Math.max(0, rank - 2)).fill(1)]);

export function batch_norm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, eps = 1e-5 } = options;
  if (x.dim() < 2) throw new OpError("batch_norm", [x.rawShape], "expected at least 2-D input [N, C, ...]");
  const channels = x.rawShape[1] as number;
  for (const [name, t] of [["running_mean", runningMean], ["running_var", runningVar], ["weight", weight], ["bias", bias]] as const) {
    if (t && (t.dim() !== 1 || t.rawShape[0] !== channels)) {
      throw new OpError("batch_norm", [x.rawShape, t.rawShape], `${name} must have shape [${channels}] to match the input's channel dim`);
    }
  }
  if (!training && (!runningMean || !runningVar)) {
    throw new OpError("batch_norm", [x.rawShape], "running_mean and running_var are required when training is false");
  }
  return apply(BATCH_NORM, [x, runningMean, runningVar, weight, bias], { eps, training });
}

const BATCH_NORM = defineOp({
  name: "batch_norm",
  kernel: ([x, runningMean, runningVar, weight, bias], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const rank = t.rank;
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
    const stats = attrs.training ? tf.moments(t, axes, true) : null;
    const mean = stats ? stats.mean : perChannel(runningMean as tf.Tensor, rank);
    const variance = stats ? stats.variance : perChannel(runningVar as tf.Tensor, rank);
    // (x - mean) * (w / sqrt(var + eps)) + b: PyTorch's order, which keeps cancellation errors small.
    let scale = tf.rsqrt(tf.add(variance, attrs.eps as number));
    if (weight) scale = tf.mul(scale, perChannel(weight, rank));
    const y = tf.mul(tf.sub(t, mean), scale);
    return bias ? tf.add(y, perChannel(bias, rank)) : y;
  },
});

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

export function layer_norm(x: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const tail = x.rawShape.slice(x.dim() - shape.length);
  if (shape.length > x.dim() || tail.some((d, i) => d !== shape[i])) {
    throw new OpError("layer_norm", [x.rawShape], `normalized_shape ${formatShape(shape)} does not match the input's last ${shape.length} dim(s) ${formatShape(tail)}`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && (t.dim() !== shape.length || t.rawShape.some((d, i) => d !== shape[i]))) {
      throw new OpError("layer_norm", [x.rawShape, t.rawShape], `${name} must have shape ${formatShape(shape)}`);
    }
  }
  return apply(LAYER_NORM, [x, weight, bias], { normalized_shape: shape, eps });
}

const LAYER_NORM = defineOp({
  name: "layer_norm",
  kernel: ([x, weight, bias], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const count = (attrs.normalized_shape as number[]).length;
    const axes = Array.from({ length: count }, (_, i) => t.rank - count + i);
    const { mean, variance } = tf.moments(t, axes, true);
    let y = tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(variance, attrs.eps as number)));
    if (weight) y = tf.mul(y, weight);
    return bias ? tf.add(y, bias) : y;
  },
});
