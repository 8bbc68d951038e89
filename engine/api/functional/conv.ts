import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel, shapeOf } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { type Activation } from "./linear";
import { activationFlops, emitActivation } from "./activation-fusion";
import { OpError, formatShape } from "../errors";
import { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";
import { type IntPair, pair } from "./pair";

export interface Conv2dOptions {
  stride?: IntPair;
  padding?: IntPair | "same" | "valid";
  dilation?: IntPair;
  groups?: number;
}

/** PyTorch's [out, in/groups, kH, kW] to tfjs's HWIO. */
export const HWIO = [2, 3, 1, 0] as const;

export type Pads = [[number, number], [number, number]];

export function resolvePadding(padding: Conv2dOptions["padding"], kernel: [number, number], dilation: [number, number]): Pads {
  if (padding === "valid") return [[0, 0], [0, 0]];
  if (padding === "same") {
    // PyTorch puts the odd pixel of 'same' padding at the bottom/right, like TensorFlow.
    return [0, 1].map((i) => {
      const total = (dilation[i] as number) * ((kernel[i] as number) - 1);
      const before = Math.floor(total / 2);
      return [before, total - before];
    }) as Pads;
  }
  const [ph, pw] = pair(padding ?? 0, "conv2d padding");
  return [[ph, ph], [pw, pw]];
}

function checkConvArgs(x: Tensor, weight: Tensor, bias: Tensor | null, groups: number, padding: Conv2dOptions["padding"], stride: [number, number]): void {
  const shapes = bias ? [x.rawShape, weight.rawShape, bias.rawShape] : [x.rawShape, weight.rawShape];
  if (weight.dim() !== 4) throw new OpError("conv2d", shapes, "weight must be 4-D [out_channels, in_channels/groups, kH, kW]");
  if (x.dim() !== 4) throw new OpError("conv2d", shapes, `expected 4-D input [N, C, H, W], got ${x.dim()}-D`);
  const [outC, inPerGroup] = weight.rawShape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || outC % groups !== 0) {
    throw new OpError("conv2d", shapes, `groups (${groups}) must be a positive integer that divides out_channels (${outC})`);
  }
  if (x.rawShape[1] !== inPerGroup * groups) {
    throw new OpError(
      "conv2d",
      shapes,
      `given groups=${groups}, weight of size ${formatShape(weight.rawShape)}, expected input ${formatShape(x.rawShape)} to have ${inPerGroup * groups} channels, but got ${x.rawShape[1]} channels instead`,
    );
  }
  if (bias && (bias.dim() !== 1 || bias.rawShape[0] !== outC)) throw new OpError("conv2d", shapes, `bias must have shape [${outC}]`);
  if (padding === "same" && (stride[0] !== 1 || stride[1] !== 1)) {
    throw new OpError("conv2d", shapes, "padding='same' is not supported for strided convolutions");
  }
}

function padSpatial(x: tf.Tensor4D, pads: Pads): tf.Tensor4D {
  const [[t, b], [l, r]] = pads;
  if (t + b + l + r === 0) return x;
  return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
}

/** One convolution in NHWC with explicit padding; handles what tfjs refuses (stride and dilation together). */
function convNHWC(x: tf.Tensor4D, filter: tf.Tensor4D, stride: [number, number], dilation: [number, number], pads: Pads, depthwise: boolean): tf.Tensor4D {
  const bothSet = (stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1);
  const step: [number, number] = bothSet ? [1, 1] : stride;
  const padded = padSpatial(x, pads);
  let y = depthwise
    ? tf.depthwiseConv2d(padded, filter, step, "valid", "NHWC", dilation)
    : tf.conv2d(padded, filter, step, "valid", "NHWC", dilation);
  if (bothSet) {
    // tfjs needs stride 1 when dilating: run dense, then keep every stride-th output.
    const [n, h, w, c] = y.shape;
    y = tf.stridedSlice(y, [0, 0, 0, 0], [n, h, w, c], [1, stride[0], stride[1], 1]) as tf.Tensor4D;
  }
  return y;
}

export function grouped(x: tf.Tensor4D, filter: tf.Tensor4D, groups: number, outC: number, stride: [number, number], dilation: [number, number], pads: Pads): tf.Tensor4D {
  const inC = x.shape[3];
  if (groups === 1) return convNHWC(x, filter, stride, dilation, pads, false);
  if (groups === inC) {
    // Depthwise: HWIO [kH, kW, 1, C*m] has output channel c*m+j, which is tfjs's [kH, kW, C, m] order.
    const [kh, kw] = filter.shape;
    const depthwise = tf.reshape(filter, [kh, kw, inC, outC / inC]) as tf.Tensor4D;
    return convNHWC(x, depthwise, stride, dilation, pads, true);
  }
  const xs = tf.split(x, groups, 3);
  const fs = tf.split(filter, groups, 3);
  return tf.concat(xs.map((xi, g) => convNHWC(xi as tf.Tensor4D, fs[g] as tf.Tensor4D, stride, dilation, pads, false)), 3);
}

/** F.conv2d on NCHW input, PyTorch semantics (padding int/pair/'same'/'valid', stride, dilation, groups). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dOptions): Tensor;
/** Without a bias the options may come third, as `F.conv2d(x, w, stride=2)` reads in PyTorch. */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2dOptions): Tensor;
export function conv2d(x: Tensor, weight: Tensor, biasOrOptions: Tensor | Conv2dOptions | null = null, maybeOptions: Conv2dOptions = {}): Tensor {
  const bias = biasOrOptions instanceof Tensor ? biasOrOptions : null;
  const options = biasOrOptions === null || biasOrOptions instanceof Tensor ? maybeOptions : biasOrOptions;
  const stride = pair(options.stride ?? 1, "conv2d stride");
  const dilation = pair(options.dilation ?? 1, "conv2d dilation");
  const groups = options.groups ?? 1;
  checkConvArgs(x, weight, bias, groups, options.padding, stride);
  const kernel = [weight.rawShape[2], weight.rawShape[3]] as [number, number];
  const pads = resolvePadding(options.padding, kernel, dilation);
  return apply(CONV2D, [x, weight, bias], { stride, dilation, groups, pads, activation: "linear" });
}

const ACTIVATIONS: Record<string, (t: tf.Tensor) => tf.Tensor> = { linear: (t) => t, relu: tf.relu, sigmoid: tf.sigmoid };

type Conv2dAttrs = { stride: [number, number]; dilation: [number, number]; groups: number; pads: Pads; activation: Activation };

export const CONV2D = defineOp<Conv2dAttrs>({
  name: "conv2d",
  summary: "2-D convolution over NCHW input (stride, padding, dilation, groups), optionally with a fused activation",
  layouts: { 1: HWIO },
  takesActivation: true,
  kernel: ([x, filter, bias], attrs) => {
    const { stride, dilation, pads } = attrs;
    const f = filter as tf.Tensor4D;
    // tfjs convolves channels-last; the transposes keep PyTorch's NCHW at the API.
    const nhwc = tf.transpose(castRaw(x as tf.Tensor, "float32"), [0, 2, 3, 1]) as tf.Tensor4D;
    let y: tf.Tensor = grouped(nhwc, f, attrs.groups, f.shape[3], stride, dilation, pads);
    if (bias) y = tf.add(y, bias);
    const activation = ACTIVATIONS[attrs.activation] ?? ((t: tf.Tensor) => t);
    return tf.transpose(activation(y), [0, 3, 1, 2]);
  },
  onnx: {
    ops: ["Conv", "FusedConv"],
    emit: (ctx) => {
      const [[t, b], [l, r]] = ctx.attrs.pads;
      const attrs = {
        kernel_shape: ctx.type(1).shape.slice(2),
        strides: ctx.attrs.stride,
        dilations: ctx.attrs.dilation,
        group: ctx.attrs.groups,
        pads: [t, l, b, r],
      };
      return emitActivation(ctx, ctx.op("Conv", [ctx.input(0), ctx.input(1), ctx.input(2)], attrs));
    },
  },
  // 2·(output numel)·(C_in / groups)·kH·kW, + output numel for a bias and for a fused activation.
  flops: (call) => {
    const out = numel(call.outputs[0]?.shape ?? []);
    const perOutput = numel(shapeOf(call, 1).slice(1));
    return 2 * out * perOutput + (call.inputs[2] ? out : 0) + activationFlops(call);
  },
  effect: "pure",
});
