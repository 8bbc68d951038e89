import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError, formatShape } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";
import { squeeze, unsqueeze } from "../ops/shape";
import { type IntOrSingle, single } from "./conv1d";
import { ADAPTIVE_AVG_POOL2D, AVG_POOL2D, type AvgPoolAttrs, MAX_POOL2D, type MaxPoolAttrs, adaptiveWeights, geometry, geometryAttrs, windowFlops } from "./pool";

export interface MaxPool1dOptions {
  stride?: IntOrSingle | null;
  padding?: IntOrSingle;
  dilation?: IntOrSingle;
  ceil_mode?: boolean;
}

export interface AvgPool1dOptions {
  stride?: IntOrSingle | null;
  padding?: IntOrSingle;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
}

/*
 * The 1-D pools are the 2-D ones on a height-1 image: attributes hold the 2-D geometry (kernel
 * [1, k]...), the kernels reshape around the 2-D kernels, and ONNX gets the 1-D form of the node.
 */

const asImage = (x: tf.Tensor): tf.Tensor => {
  const [n, c, l] = x.shape as [number, number, number];
  return tf.reshape(x, [n, c, 1, l]);
};
const fromImage = (y: tf.Tensor): tf.Tensor => {
  const [n, c, , l] = y.shape as [number, number, number, number];
  return tf.reshape(y, [n, c, l]);
};

function emitPool1d(ctx: EmitContext<MaxPoolAttrs | AvgPoolAttrs>, onnx: "MaxPool" | "AveragePool"): string {
  const a = ctx.attrs;
  const attrs: Record<string, number | number[]> = { kernel_shape: [a.kernel[1]], strides: [a.stride[1]], pads: [a.padding[1], a.padding[1]], ceil_mode: a.ceil_mode ? 1 : 0 };
  if ("count_include_pad" in a) attrs.count_include_pad = a.count_include_pad ? 1 : 0;
  else attrs.dilations = [a.dilation[1]];
  return ctx.op(onnx, [ctx.input(0)], attrs);
}

const MAX_POOL1D = defineOp<MaxPoolAttrs>({
  name: "max_pool1d",
  summary: "1-D max pooling over [N, C, L] input (stride, padding, dilation, ceil_mode)",
  kernel: ([x], g) => fromImage(MAX_POOL2D.kernel([asImage(x as tf.Tensor)], g) as tf.Tensor),
  onnx: { ops: ["MaxPool"], emit: (ctx) => emitPool1d(ctx, "MaxPool") },
  flops: windowFlops,
  effect: "pure",
});

const AVG_POOL1D = defineOp<AvgPoolAttrs>({
  name: "avg_pool1d",
  summary: "1-D average pooling over [N, C, L] input (stride, padding, ceil_mode, count_include_pad)",
  kernel: ([x], g) => fromImage(AVG_POOL2D.kernel([asImage(x as tf.Tensor)], g) as tf.Tensor),
  onnx: { ops: ["AveragePool"], emit: (ctx) => emitPool1d(ctx, "AveragePool") },
  flops: windowFlops,
  effect: "pure",
});

function geometry1d(name: string, x: Tensor, kernelSize: IntOrSingle, o: MaxPool1dOptions) {
  if (x.dim() !== 3) throw new OpError(name, [x.shape], `Expected 2D or 3D (batch mode) tensor for input, but got: ${formatShape(x.shape)}`);
  const [n, c, l] = x.shape as [number, number, number];
  const stride = o.stride === undefined || o.stride === null ? null : [1, single(o.stride, `${name} stride`)];
  return geometry(name, { rawShape: [n, c, 1, l] }, [1, single(kernelSize, `${name} kernel_size`)], {
    stride,
    padding: [0, single(o.padding ?? 0, `${name} padding`)],
    dilation: [1, single(o.dilation ?? 1, `${name} dilation`)],
    ceil_mode: !!o.ceil_mode,
  });
}

export function max_pool1d(x: Tensor, kernelSize: IntOrSingle, options: MaxPool1dOptions = {}): Tensor {
  if (x.dim() === 2) return squeeze(max_pool1d(unsqueeze(x, 0), kernelSize, options), 0);
  const g = geometry1d("max_pool1d", x, kernelSize, options);
  return apply(MAX_POOL1D, [x], { ...geometryAttrs(g), ceil_mode: !!options.ceil_mode });
}

export function avg_pool1d(x: Tensor, kernelSize: IntOrSingle, options: AvgPool1dOptions = {}): Tensor {
  if (x.dim() === 2) return squeeze(avg_pool1d(unsqueeze(x, 0), kernelSize, options), 0);
  const g = geometry1d("avg_pool1d", x, kernelSize, options);
  return apply(AVG_POOL1D, [x], { ...geometryAttrs(g), ceil_mode: !!options.ceil_mode, count_include_pad: options.count_include_pad ?? true, divisor_override: null });
}

const ADAPTIVE_AVG_POOL1D = defineOp<{ output_size: number }>({
  name: "adaptive_avg_pool1d",
  summary: "1-D average pooling to a given output size, PyTorch's bins",
  kernel: ([x], a) => fromImage(ADAPTIVE_AVG_POOL2D.kernel([asImage(castRaw(x as tf.Tensor, "float32"))], { output_size: [1, a.output_size] }) as tf.Tensor),
  onnx: {
    ops: ["GlobalAveragePool", "AveragePool", "MatMul"],
    emit: (ctx) => {
      const out = ctx.attrs.output_size;
      const l = ctx.type(0).shape[2] as number;
      if (out === 1) return ctx.op("GlobalAveragePool", [ctx.cast(0, "float32")]);
      if (l % out === 0) return ctx.op("AveragePool", [ctx.cast(0, "float32")], { kernel_shape: [l / out], strides: [l / out] });
      // Uneven bins: the kernel's averaging matrix [L, out].
      return ctx.op("MatMul", [ctx.cast(0, "float32"), ctx.b.constant(undefined, "float32", [l, out], adaptiveWeights(l, out))]);
    },
  },
  flops: reduction,
  effect: "pure",
});

export function adaptive_avg_pool1d(x: Tensor, outputSize: IntOrSingle): Tensor {
  if (x.dim() === 2) return squeeze(adaptive_avg_pool1d(unsqueeze(x, 0), outputSize), 0);
  if (x.dim() !== 3) throw new OpError("adaptive_avg_pool1d", [x.shape], `adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got ${formatShape(x.shape)}`);
  const out = single(outputSize, "adaptive_avg_pool1d output_size");
  if (out <= 0) throw new OpError("adaptive_avg_pool1d", [x.shape], `output_size must be positive, got ${out}`);
  return apply(ADAPTIVE_AVG_POOL1D, [x], { output_size: out });
}
