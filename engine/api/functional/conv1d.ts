import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel, shapeOf } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError, formatShape } from "../errors";
import { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";
import { grouped } from "./conv";
import { squeeze, unsqueeze } from "../ops/shape";

export type IntOrSingle = number | readonly [number] | readonly number[];

export interface Conv1dOptions {
  stride?: IntOrSingle;
  padding?: IntOrSingle | "same" | "valid";
  dilation?: IntOrSingle;
  groups?: number;
}

/** PyTorch's _single: an int, or a one-element list. */
export function single(value: IntOrSingle, name: string): number {
  const v = typeof value === "number" ? value : value.length === 1 ? value[0] : undefined;
  if (v === undefined || !Number.isInteger(v) || v < 0) throw new ApiError(`${name} must be a non-negative int or a list of one, got ${JSON.stringify(value)}`);
  return v;
}

/** [out, in/groups, k] to [k, in/groups, out]: the kernel reshapes it to HWIO [1, k, in/groups, out] for free. */
const KIO = [2, 1, 0] as const;

type Conv1dAttrs = { stride: number; dilation: number; groups: number; pads: [number, number] };

function resolvePadding1d(padding: Conv1dOptions["padding"], kernel: number, dilation: number): [number, number] {
  if (padding === "valid") return [0, 0];
  if (padding === "same") {
    const total = dilation * (kernel - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  const p = single(padding ?? 0, "conv1d padding");
  return [p, p];
}

function checkConv1dArgs(x: Tensor, weight: Tensor, bias: Tensor | null, groups: number): void {
  const shapes = bias ? [x.shape, weight.shape, bias.shape] : [x.shape, weight.shape];
  if (weight.dim() !== 3) throw new OpError("conv1d", shapes, "weight must be 3-D [out_channels, in_channels/groups, kW]");
  if (x.dim() !== 3) throw new OpError("conv1d", shapes, `Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ${formatShape(x.shape)}`);
  const [outC, inPerGroup] = weight.shape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || outC % groups !== 0) {
    throw new OpError("conv1d", shapes, `groups (${groups}) must be a positive integer that divides out_channels (${outC})`);
  }
  if (x.shape[1] !== inPerGroup * groups) {
    throw new OpError(
      "conv1d",
      shapes,
      `Given groups=${groups}, weight of size ${formatShape(weight.shape)}, expected input${formatShape(x.shape)} to have ${inPerGroup * groups} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== outC)) throw new OpError("conv1d", shapes, `bias must have shape [${outC}]`);
}

/** F.conv1d on [N, C, L] input, PyTorch semantics (padding int/'same'/'valid', stride, dilation, groups). */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv1dOptions): Tensor;
/** Without a bias the options may come third, as `F.conv1d(x, w, stride=2)` reads in PyTorch. */
export function conv1d(x: Tensor, weight: Tensor, options: Conv1dOptions): Tensor;
export function conv1d(x: Tensor, weight: Tensor, biasOrOptions: Tensor | Conv1dOptions | null = null, maybeOptions: Conv1dOptions = {}): Tensor {
  const bias = biasOrOptions instanceof Tensor ? biasOrOptions : null;
  const options = biasOrOptions === null || biasOrOptions instanceof Tensor ? maybeOptions : biasOrOptions;
  // PyTorch's unbatched [C, L]: a batch of one.
  if (x.dim() === 2) return squeeze(conv1d(unsqueeze(x, 0), weight, bias, options), 0);
  const stride = single(options.stride ?? 1, "conv1d stride");
  const dilation = single(options.dilation ?? 1, "conv1d dilation");
  const groups = options.groups ?? 1;
  checkConv1dArgs(x, weight, bias, groups);
  if (options.padding === "same" && stride !== 1) throw new OpError("conv1d", [x.shape], "padding='same' is not supported for strided convolutions");
  const pads = resolvePadding1d(options.padding, weight.shape[2] as number, dilation);
  const out = Math.floor(((x.shape[2] as number) + pads[0] + pads[1] - dilation * ((weight.shape[2] as number) - 1) - 1) / stride) + 1;
  if (out <= 0) throw new OpError("conv1d", [x.shape, weight.shape], "Calculated output size is too small: the kernel is larger than the padded input");
  return apply(CONV1D, [x, weight, bias], { stride, dilation, groups, pads });
}

export const CONV1D = defineOp<Conv1dAttrs>({
  name: "conv1d",
  summary: "1-D convolution over [N, C, L] input (stride, padding, dilation, groups)",
  layouts: { 1: KIO },
  kernel: ([x, filter, bias], a) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const [n, c, l] = t.shape as [number, number, number];
    const [k, inPerGroup, outC] = (filter as tf.Tensor).shape as [number, number, number];
    // The 2-D kernel on a height-1 image: [N, 1, L, C] is the NHWC view of [N, L, C].
    const nhwc = tf.reshape(tf.transpose(t, [0, 2, 1]), [n, 1, l, c]) as tf.Tensor4D;
    const f = tf.reshape(filter as tf.Tensor, [1, k, inPerGroup, outC]) as tf.Tensor4D;
    let y: tf.Tensor = grouped(nhwc, f, a.groups, outC, [1, a.stride], [1, a.dilation], [[0, 0], a.pads]);
    if (bias) y = tf.add(y, bias);
    return tf.transpose(tf.reshape(y, [n, y.shape[2] as number, outC]), [0, 2, 1]);
  },
  onnx: {
    ops: ["Conv"],
    emit: (ctx) => {
      const a = ctx.attrs;
      const attrs = { kernel_shape: ctx.type(1).shape.slice(2), strides: [a.stride], dilations: [a.dilation], group: a.groups, pads: [...a.pads] };
      return ctx.op("Conv", [ctx.input(0), ctx.input(1), ctx.input(2)], attrs);
    },
  },
  // As conv2d: 2·(output numel)·(C_in / groups)·kW, + output numel for a bias.
  flops: (call) => {
    const out = numel(call.outputs[0]?.shape ?? []);
    return 2 * out * numel(shapeOf(call, 1).slice(1)) + (call.inputs[2] ? out : 0);
  },
  effect: "pure",
});
