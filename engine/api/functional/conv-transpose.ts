import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { numel, shapeOf } from "../../ops/flops";
import { type OpCall, defineOp } from "../../ops/record";
import { OpError, formatShape } from "../errors";
import { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";
import { HWIO } from "./conv";
import { type IntOrSingle, single } from "./conv1d";
import { type IntPair, pair } from "./pair";
import { squeeze, unsqueeze } from "../ops/shape";

export interface ConvTranspose2dOptions {
  stride?: IntPair;
  padding?: IntPair;
  output_padding?: IntPair;
  groups?: number;
  dilation?: IntPair;
}

export interface ConvTranspose1dOptions {
  stride?: IntOrSingle;
  padding?: IntOrSingle;
  output_padding?: IntOrSingle;
  groups?: number;
  dilation?: IntOrSingle;
}

type Pair = [number, number];
type ConvTransposeAttrs = { stride: Pair; padding: Pair; output_padding: Pair; groups: number; dilation: Pair };

/** The filter with dilation-1 zeros between its taps: tfjs's transposed convolution has no dilation. */
function dilateFilter(f: tf.Tensor4D, dilation: Pair): tf.Tensor4D {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return f;
  const [kh, kw, o, i] = f.shape;
  const spread = tf.pad(tf.reshape(f, [kh, 1, kw, 1, o, i]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = tf.reshape(spread, [kh * dh, kw * dw, o, i]);
  return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, o, i]) as tf.Tensor4D;
}

/** Where PyTorch's output window [p, p + out) sits in the full (unpadded) result of length `full`. */
interface Window {
  /** Padding tfjs applies, each at most kernel - 1 (what its kernels accept). */
  before: number;
  after: number;
  /** Rows of tfjs's result to drop at the start, rows to keep, and zero rows to add at the end (output_padding past the input). */
  crop: number;
  keep: number;
  zeros: number;
}

function window(inSize: number, kernel: number, stride: number, padding: number, outputPadding: number): Window {
  const full = (inSize - 1) * stride + kernel;
  const out = full - 2 * padding + outputPadding;
  const before = Math.min(padding, kernel - 1);
  const after = Math.min(Math.max(full - (padding + out), 0), kernel - 1);
  const available = Math.min(padding + out, full - after) - padding;
  return { before, after, crop: padding - before, keep: available, zeros: out - available };
}

/** conv_transpose2d in NHWC: filter [kH, kW, C_out/groups, C_in] (PyTorch's [C_in, C_out/groups, kH, kW] permuted by HWIO). */
function convTransposeNHWC(x: tf.Tensor4D, filter: tf.Tensor4D, a: ConvTransposeAttrs): tf.Tensor4D {
  const f = dilateFilter(filter, a.dilation);
  const [kh, kw, outPerGroup] = f.shape;
  const [n, h, w] = x.shape;
  const [wh, ww] = [window(h, kh, a.stride[0], a.padding[0], a.output_padding[0]), window(w, kw, a.stride[1], a.padding[1], a.output_padding[1])];
  const shape: [number, number, number, number] = [n, (h - 1) * a.stride[0] + kh - wh.before - wh.after, (w - 1) * a.stride[1] + kw - ww.before - ww.after, outPerGroup];
  const pads: tf.backend_util.ExplicitPadding = [[0, 0], [wh.before, wh.after], [ww.before, ww.after], [0, 0]];
  const one = (xi: tf.Tensor4D, fi: tf.Tensor4D) => tf.conv2dTranspose(xi, fi, shape, a.stride, pads);
  let y: tf.Tensor4D;
  if (a.groups === 1) y = one(x, f);
  else {
    const fs = tf.split(f, a.groups, 3);
    y = tf.concat(tf.split(x, a.groups, 3).map((xi, g) => one(xi as tf.Tensor4D, fs[g] as tf.Tensor4D)), 3) as tf.Tensor4D;
  }
  if (wh.crop + ww.crop > 0 || wh.keep !== y.shape[1] || ww.keep !== y.shape[2]) {
    y = tf.slice(y, [0, wh.crop, ww.crop, 0], [n, wh.keep, ww.keep, -1]);
  }
  if (wh.zeros + ww.zeros > 0) y = tf.pad(y, [[0, 0], [0, wh.zeros], [0, ww.zeros], [0, 0]]);
  return y;
}

function emitConvTranspose(ctx: EmitContext<ConvTransposeAttrs>, oneD: boolean): string {
  const a = ctx.attrs;
  const dims = oneD ? [1] : [0, 1];
  const pick = (p: Pair) => dims.map((i) => p[i] as number);
  const pads = pick(a.padding);
  const attrs = {
    kernel_shape: ctx.type(1).shape.slice(2),
    strides: pick(a.stride),
    dilations: pick(a.dilation),
    output_padding: pick(a.output_padding),
    group: a.groups,
    pads: [...pads, ...pads],
  };
  return ctx.op("ConvTranspose", [ctx.input(0), ctx.input(1), ctx.input(2)], attrs);
}

/** Each input element scatters into (C_out / groups)·kernel area outputs: 2 FLOPs each, + output numel for a bias. */
function convTransposeFlops(call: OpCall<ConvTransposeAttrs>): number {
  const w = shapeOf(call, 1);
  const perInput = (w[1] ?? 0) * numel(w.slice(2));
  const out = numel(call.outputs[0]?.shape ?? []);
  return 2 * numel(shapeOf(call, 0)) * perInput + (call.inputs[2] ? out : 0);
}

function runConvTranspose2d(x: tf.Tensor, filter: tf.Tensor4D, bias: tf.Tensor | null, a: ConvTransposeAttrs): tf.Tensor4D {
  const nhwc = tf.transpose(castRaw(x, "float32"), [0, 2, 3, 1]) as tf.Tensor4D;
  let y = convTransposeNHWC(nhwc, filter, a);
  if (bias) y = tf.add(y, bias);
  return y;
}

const CONV_TRANSPOSE2D = defineOp<ConvTransposeAttrs>({
  name: "conv_transpose2d",
  summary: "2-D transposed convolution over NCHW input (stride, padding, output_padding, groups, dilation)",
  layouts: { 1: HWIO },
  kernel: ([x, filter, bias], a) => tf.transpose(runConvTranspose2d(x as tf.Tensor, filter as tf.Tensor4D, bias ?? null, a), [0, 3, 1, 2]),
  onnx: { ops: ["ConvTranspose"], emit: (ctx) => emitConvTranspose(ctx, false) },
  flops: convTransposeFlops,
  effect: "pure",
});

/** [C_in, C_out/groups, k] to [k, C_out/groups, C_in]: a free reshape away from the 2-D kernel's [1, k, C_out/groups, C_in]. */
const KOI = [2, 1, 0] as const;

const CONV_TRANSPOSE1D = defineOp<ConvTransposeAttrs>({
  name: "conv_transpose1d",
  summary: "1-D transposed convolution over [N, C, L] input (stride, padding, output_padding, groups, dilation)",
  layouts: { 1: KOI },
  kernel: ([x, filter, bias], a) => {
    const [n, c, l] = (x as tf.Tensor).shape as [number, number, number];
    const [k, outPerGroup, inC] = (filter as tf.Tensor).shape as [number, number, number];
    const asImage = tf.reshape(x as tf.Tensor, [n, c, 1, l]);
    const y = runConvTranspose2d(asImage, tf.reshape(filter as tf.Tensor, [1, k, outPerGroup, inC]) as tf.Tensor4D, bias ?? null, a);
    const [, , lo, co] = y.shape as [number, number, number, number];
    return tf.transpose(tf.reshape(y, [n, lo, co]), [0, 2, 1]);
  },
  onnx: { ops: ["ConvTranspose"], emit: (ctx) => emitConvTranspose(ctx, true) },
  flops: convTransposeFlops,
  effect: "pure",
});

function checkArgs(name: string, x: Tensor, weight: Tensor, bias: Tensor | null, a: ConvTransposeAttrs, spatial: number): void {
  const shapes = bias ? [x.shape, weight.shape, bias.shape] : [x.shape, weight.shape];
  const rank = spatial + 2;
  if (weight.dim() !== rank) throw new OpError(name, shapes, `weight must be ${rank}-D [in_channels, out_channels/groups, ${spatial === 1 ? "kW" : "kH, kW"}]`);
  if (x.dim() !== rank) throw new OpError(name, shapes, `Expected ${rank - 1}D (unbatched) or ${rank}D (batched) input to ${name}, but got input of size: ${formatShape(x.shape)}`);
  const inC = weight.shape[0] as number;
  if (!Number.isInteger(a.groups) || a.groups < 1 || inC % a.groups !== 0) {
    throw new OpError(name, shapes, `groups (${a.groups}) must be a positive integer that divides in_channels (${inC})`);
  }
  if (x.shape[1] !== inC) {
    throw new OpError(name, shapes, `Given transposed=1, weight of size ${formatShape(weight.shape)}, expected input${formatShape(x.shape)} to have ${inC} channels, but got ${x.shape[1]} channels instead`);
  }
  const outC = (weight.shape[1] as number) * a.groups;
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== outC)) throw new OpError(name, shapes, `bias must have shape [${outC}]`);
  for (const i of [0, 1].slice(2 - spatial)) {
    const [s, d, op] = [a.stride[i] as number, a.dilation[i] as number, a.output_padding[i] as number];
    if (s < 1 || d < 1) throw new OpError(name, shapes, "stride and dilation must be positive");
    if (op >= s && op >= d) {
      throw new OpError(name, shapes, `output padding must be smaller than either stride or dilation, but got output_padding ${op}, stride ${s}, dilation ${d}`);
    }
    const size = x.shape[x.dim() - 2 + i] as number;
    const out = (size - 1) * s - 2 * (a.padding[i] as number) + d * ((weight.shape[weight.dim() - 2 + i] as number) - 1) + op + 1;
    if (out <= 0) throw new OpError(name, shapes, `the output would have size ${out}: padding is too large for this input and kernel`);
  }
}

function splitBias<O extends object>(biasOrOptions: Tensor | O | null, maybeOptions: O): [Tensor | null, O] {
  const bias = biasOrOptions instanceof Tensor ? biasOrOptions : null;
  return [bias, biasOrOptions === null || biasOrOptions instanceof Tensor ? maybeOptions : biasOrOptions];
}

/** F.conv_transpose2d: weight [C_in, C_out/groups, kH, kW], output (H-1)·stride - 2·padding + dilation·(kH-1) + output_padding + 1. */
export function conv_transpose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose2dOptions): Tensor;
export function conv_transpose2d(x: Tensor, weight: Tensor, options: ConvTranspose2dOptions): Tensor;
export function conv_transpose2d(x: Tensor, weight: Tensor, biasOrOptions: Tensor | ConvTranspose2dOptions | null = null, maybeOptions: ConvTranspose2dOptions = {}): Tensor {
  const [bias, o] = splitBias(biasOrOptions, maybeOptions);
  // PyTorch's unbatched [C, H, W]: a batch of one.
  if (x.dim() === 3) return squeeze(conv_transpose2d(unsqueeze(x, 0), weight, bias, o), 0);
  const attrs: ConvTransposeAttrs = {
    stride: pair(o.stride ?? 1, "conv_transpose2d stride"),
    padding: pair(o.padding ?? 0, "conv_transpose2d padding"),
    output_padding: pair(o.output_padding ?? 0, "conv_transpose2d output_padding"),
    groups: o.groups ?? 1,
    dilation: pair(o.dilation ?? 1, "conv_transpose2d dilation"),
  };
  checkArgs("conv_transpose2d", x, weight, bias, attrs, 2);
  return apply(CONV_TRANSPOSE2D, [x, weight, bias], attrs);
}

/** F.conv_transpose1d on [N, C, L]: weight [C_in, C_out/groups, k]. */
export function conv_transpose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose1dOptions): Tensor;
export function conv_transpose1d(x: Tensor, weight: Tensor, options: ConvTranspose1dOptions): Tensor;
export function conv_transpose1d(x: Tensor, weight: Tensor, biasOrOptions: Tensor | ConvTranspose1dOptions | null = null, maybeOptions: ConvTranspose1dOptions = {}): Tensor {
  const [bias, o] = splitBias(biasOrOptions, maybeOptions);
  if (x.dim() === 2) return squeeze(conv_transpose1d(unsqueeze(x, 0), weight, bias, o), 0);
  // Stored as the 2-D op's attributes on a height-1 image, so one kernel serves both.
  const attrs: ConvTransposeAttrs = {
    stride: [1, single(o.stride ?? 1, "conv_transpose1d stride")],
    padding: [0, single(o.padding ?? 0, "conv_transpose1d padding")],
    output_padding: [0, single(o.output_padding ?? 0, "conv_transpose1d output_padding")],
    groups: o.groups ?? 1,
    dilation: [1, single(o.dilation ?? 1, "conv_transpose1d dilation")],
  };
  checkArgs("conv_transpose1d", x, weight, bias, attrs, 1);
  return apply(CONV_TRANSPOSE1D, [x, weight, bias], attrs);
}
