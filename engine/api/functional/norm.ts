import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { OnnxBuilder } from "../../onnx/builder";
import { perOutput } from "../../ops/flops";
import { defineOp } from "../../ops/record";
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

/** A constant of `shape` filled with `value`: ONNX's normalizations want a scale and bias. */
function filled(b: OnnxBuilder, shape: readonly number[], value: number): string {
  const n = shape.reduce((x, y) => x * y, 1);
  return b.constant(undefined, "float32", [...shape], new Float32Array(n).fill(value));
}

type BatchNormAttrs = { eps: number; training: boolean };

const BATCH_NORM = defineOp<BatchNormAttrs>({
  name: "batch_norm",
  summary: "(x - mean) / sqrt(var + eps) * weight + bias per channel, with running or batch statistics",
  kernel: ([x, runningMean, runningVar, weight, bias], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const rank = t.rank;
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
    const stats = attrs.training ? tf.moments(t, axes, true) : null;
    const mean = stats ? stats.mean : perChannel(runningMean as tf.Tensor, rank);
    const variance = stats ? stats.variance : perChannel(runningVar as tf.Tensor, rank);
    // (x - mean) * (w / sqrt(var + eps)) + b: PyTorch's order, which keeps cancellation errors small.
    let scale = tf.rsqrt(tf.add(variance, attrs.eps));
    if (weight) scale = tf.mul(scale, perChannel(weight, rank));
    const y = tf.mul(tf.sub(t, mean), scale);
    return bias ? tf.add(y, perChannel(bias, rank)) : y;
  },
  onnx: {
    ops: ["BatchNormalization"],
    emit: (ctx) => {
      if (ctx.attrs.training) ctx.unsupported("batch_norm with training=true (batch statistics)");
      const c = ctx.type(0).shape[1] as number;
      const scale = ctx.has(3) ? ctx.input(3) : filled(ctx.b, [c], 1);
      const bias = ctx.has(4) ? ctx.input(4) : filled(ctx.b, [c], 0);
      return ctx.op("BatchNormalization", [ctx.input(0), scale, bias, ctx.input(1), ctx.input(2)], { epsilon: ctx.b.attr.float(ctx.attrs.eps) });
    },
  },
  // Scale and shift, in eval mode.
  flops: perOutput(2),
  effect: "pure",
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

type LayerNormAttrs = { normalized_shape: number[]; eps: number };

const LAYER_NORM = defineOp<LayerNormAttrs>({
  name: "layer_norm",
  summary: "normalization over the last dims (normalized_shape), with weight and bias",
  kernel: ([x, weight, bias], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const count = attrs.normalized_shape.length;
    const axes = Array.from({ length: count }, (_, i) => t.rank - count + i);
    const { mean, variance } = tf.moments(t, axes, true);
    let y = tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(variance, attrs.eps)));
    if (weight) y = tf.mul(y, weight);
    return bias ? tf.add(y, bias) : y;
  },
  onnx: {
    ops: ["LayerNormalization"],
    emit: (ctx) => {
      const shape = ctx.attrs.normalized_shape;
      const scale = ctx.has(1) ? ctx.input(1) : filled(ctx.b, shape, 1);
      const inputs = [ctx.input(0), scale, ...(ctx.has(2) ? [ctx.input(2)] : [])];
      return ctx.op("LayerNormalization", inputs, { axis: -shape.length, epsilon: ctx.b.attr.float(ctx.attrs.eps) });
    },
  },
  flops: perOutput(5),
  effect: "pure",
});
