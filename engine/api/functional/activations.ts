/**
 * torch.nn.functional's activations beyond relu, gelu, silu, sigmoid and tanh. Records where ONNX
 * has the op at opset 17 (LeakyRelu, Elu, HardSwish, HardSigmoid, Softplus); composites where it
 * does not (mish is opset 18) or where PyTorch defines it as a formula (relu6, glu).
 */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { elementwise, perOutput } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import { castRaw } from "../ops/cast";
import { clamp, mul, sigmoid, tanh } from "../ops/elementwise";
import { chunk } from "../ops/shape";
import type { Tensor } from "../tensor";

/** PyTorch's `inplace` flag: accepted everywhere it is, with the same results (tensors are immutable here). */
export interface InplaceOption {
  inplace?: boolean;
}

const f32 = (x: tf.Tensor | null | undefined) => castRaw(x as tf.Tensor, "float32");

const LEAKY_RELU = defineOp<{ negative_slope: number }>({
  name: "leaky_relu",
  summary: "x where x > 0, else negative_slope * x",
  kernel: ([x], a) => tf.leakyRelu(f32(x), a.negative_slope),
  onnx: { ops: ["LeakyRelu"], emit: (ctx) => ctx.op("LeakyRelu", [ctx.cast(0, "float32")], { alpha: ctx.b.attr.float(ctx.attrs.negative_slope) }) },
  flops: elementwise,
  effect: "pure",
});

export function leaky_relu(x: Tensor, negativeSlope: number | (InplaceOption & { negative_slope?: number }) = 0.01, _options: InplaceOption = {}): Tensor {
  const slope = typeof negativeSlope === "number" ? negativeSlope : (negativeSlope.negative_slope ?? 0.01);
  return apply(LEAKY_RELU, [x], { negative_slope: slope });
}

const ELU = defineOp<{ alpha: number }>({
  name: "elu",
  summary: "x where x > 0, else alpha * (exp(x) - 1)",
  kernel: ([x], a) => {
    const t = f32(x);
    return a.alpha === 1 ? tf.elu(t) : tf.where(tf.greater(t, 0), t, tf.mul(tf.expm1(t), a.alpha));
  },
  onnx: { ops: ["Elu"], emit: (ctx) => ctx.op("Elu", [ctx.cast(0, "float32")], { alpha: ctx.b.attr.float(ctx.attrs.alpha) }) },
  flops: perOutput(2),
  effect: "pure",
});

export function elu(x: Tensor, options: InplaceOption & { alpha?: number } = {}): Tensor {
  return apply(ELU, [x], { alpha: options.alpha ?? 1 });
}

/** relu6: min(max(x, 0), 6), PyTorch's hardtanh(x, 0, 6). */
export const relu6 = (x: Tensor, _options: InplaceOption = {}): Tensor => clamp(x, 0, 6);

/** hardtanh: x clamped to [min_val, max_val]. */
export function hardtanh(x: Tensor, options: InplaceOption & { min_val?: number; max_val?: number } = {}): Tensor {
  return clamp(x, options.min_val ?? -1, options.max_val ?? 1);
}

const HARDSIGMOID = defineOp<Record<string, never>>({
  name: "hardsigmoid",
  summary: "relu6(x + 3) / 6",
  kernel: ([x]) => tf.div(tf.clipByValue(tf.add(f32(x), 3), 0, 6), 6),
  // PyTorch's x / 6 + 1 / 2, clipped to [0, 1].
  onnx: { ops: ["HardSigmoid"], emit: (ctx) => ctx.op("HardSigmoid", [ctx.cast(0, "float32")], { alpha: ctx.b.attr.float(1 / 6), beta: ctx.b.attr.float(0.5) }) },
  flops: perOutput(3),
  effect: "pure",
});

const HARDSWISH = defineOp<Record<string, never>>({
  name: "hardswish",
  summary: "x * relu6(x + 3) / 6 (MobileNetV3)",
  kernel: ([x]) => {
    const t = f32(x);
    return tf.mul(t, tf.div(tf.clipByValue(tf.add(t, 3), 0, 6), 6));
  },
  onnx: { ops: ["HardSwish"], emit: (ctx) => ctx.op("HardSwish", [ctx.cast(0, "float32")]) },
  flops: perOutput(4),
  effect: "pure",
});

export const hardsigmoid = (x: Tensor, _options: InplaceOption = {}): Tensor => apply(HARDSIGMOID, [x], {});
export const hardswish = (x: Tensor, _options: InplaceOption = {}): Tensor => apply(HARDSWISH, [x], {});

type SoftplusAttrs = { beta: number; threshold: number };

const SOFTPLUS = defineOp<SoftplusAttrs>({
  name: "softplus",
  summary: "log(1 + exp(beta * x)) / beta, linear above threshold",
  kernel: ([x], { beta, threshold }) => {
    const t = f32(x);
    const bx = tf.mul(t, beta);
    return tf.where(tf.greater(bx, threshold), t, tf.div(tf.softplus(bx), beta));
  },
  onnx: {
    ops: ["Softplus", "Mul", "Div", "Where", "Greater"],
    emit: (ctx) => {
      const { beta, threshold } = ctx.attrs;
      const x = ctx.cast(0, "float32");
      const bx = beta === 1 ? x : ctx.op("Mul", [x, ctx.scalar(beta)]);
      const soft = ctx.op("Softplus", [bx]);
      const scaled = beta === 1 ? soft : ctx.op("Div", [soft, ctx.scalar(beta)]);
      return ctx.op("Where", [ctx.op("Greater", [bx, ctx.scalar(threshold)]), x, scaled]);
    },
  },
  flops: perOutput(4),
  effect: "pure",
});

export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  return apply(SOFTPLUS, [x], { beta: options.beta ?? 1, threshold: options.threshold ?? 20 });
}

/** mish: x * tanh(softplus(x)) (ONNX's Mish is opset 18, so a composite). */
export const mish = (x: Tensor, _options: InplaceOption = {}): Tensor => mul(x, tanh(softplus(x)));

/** glu: the first half of `dim` gated by the sigmoid of the second. */
export function glu(x: Tensor, dim = -1): Tensor {
  const size = x.shape.at(dim < 0 ? dim : dim - x.dim());
  if (size === undefined || size % 2 !== 0) {
    throw new OpError("glu", [x.shape], `Halving dimension must be even, but dimension ${dim} is size ${size ?? "missing"}`);
  }
  const [a, b] = chunk(x, 2, dim) as [Tensor, Tensor];
  return mul(a, sigmoid(b));
}
