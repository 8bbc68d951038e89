import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { numel, reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";
import { type IntPair, pair } from "./pair";

export interface MaxPool2dOptions {
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceil_mode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntPair | null;
  padding?: IntPair;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

export type Geometry = {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  out: [number, number];
  /** Extra bottom/right padding that ceil_mode's last, partial window reaches into. */
  extra: [number, number];
};

/** PyTorch's pooling output size, including ceil_mode's rule that a window may not start in the padding. */
export function geometry(name: string, x: { rawShape: readonly number[] }, kernelSize: IntPair, o: { stride?: IntPair | null; padding?: IntPair; dilation?: IntPair; ceil_mode?: boolean }): Geometry {
  if (x.rawShape.length !== 4) throw new OpError(name, [x.rawShape], `expected 4-D input [N, C, H, W], got ${x.rawShape.length}-D`);
  const kernel = pair(kernelSize, `${name} kernel_size`);
  const stride = o.stride === undefined || o.stride === null ? kernel : pair(o.stride, `${name} stride`);
  const padding = pair(o.padding ?? 0, `${name} padding`);
  const dilation = pair(o.dilation ?? 1, `${name} dilation`);
  const out: [number, number] = [0, 0];
  const extra: [number, number] = [0, 0];
  for (const i of [0, 1] as const) {
    const size = x.rawShape[2 + i] as number;
    if (padding[i] * 2 > kernel[i]) {
      throw new OpError(name, [x.rawShape], `pad should be at most half of effective kernel size, but got pad=${padding[i]}, kernel_size=${kernel[i]}`);
    }
    const span = size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1;
    let n = (o.ceil_mode ? Math.ceil(span / stride[i]) : Math.floor(span / stride[i])) + 1;
    if (o.ceil_mode && (n - 1) * stride[i] >= size + padding[i]) n -= 1;
    if (n <= 0) throw new OpError(name, [x.rawShape], `output size is too small (computed ${n}) for kernel ${kernel[i]} and padding ${padding[i]}`);
    out[i] = n;
    extra[i] = Math.max(0, (n - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - (size + 2 * padding[i]));
  }
  return { kernel, stride, padding, dilation, out, extra };
}

/** The geometry as op attributes: kernels get everything they need from attrs. */
export const geometryAttrs = (g: Geometry): Geometry => ({ kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation, out: g.out, extra: g.extra });

export type MaxPoolAttrs = Geometry & { ceil_mode: boolean };
export type AvgPoolAttrs = Geometry & { ceil_mode: boolean; count_include_pad: boolean; divisor_override: number | null };

function emitPool(ctx: EmitContext<MaxPoolAttrs | AvgPoolAttrs>, onnx: "MaxPool" | "AveragePool"): string {
  const a = ctx.attrs;
  const [ph, pw] = a.padding;
  const attrs: Record<string, number | number[]> = { kernel_shape: a.kernel, strides: a.stride, pads: [ph, pw, ph, pw], ceil_mode: a.ceil_mode ? 1 : 0 };
  if ("count_include_pad" in a) {
    if (a.divisor_override !== null) ctx.unsupported("avg_pool2d with divisor_override has no ONNX equivalent");
    attrs.count_include_pad = a.count_include_pad ? 1 : 0;
  } else {
    attrs.dilations = a.dilation;
    // PyTorch's ceil_mode drops a last window that would start in the padding; ONNX's shape rule
    // does not, so the checker rejects it. Padding the end by what the last window reaches, with
    // floor mode, gives PyTorch's windows exactly (padded cells never win a max).
    if (a.ceil_mode) Object.assign(attrs, { ceil_mode: 0, pads: [ph, pw, ph + a.extra[0], pw + a.extra[1]] });
  }
  return ctx.op(onnx, [ctx.input(0)], attrs);
}

/** kH·kW per output element. */
export const windowFlops = ({ attrs, outputs }: { attrs: Geometry; outputs: readonly { shape: number[] }[] }) => numel(outputs[0]?.shape ?? []) * attrs.kernel[0] * attrs.kernel[1];

function padNHWC(x: tf.Tensor4D, g: Geometry, value: number): tf.Tensor4D {
  const [ph, pw] = g.padding;
  const [eh, ew] = g.extra;
  if (ph + pw + eh + ew === 0) return x;
  return tf.pad(x, [[0, 0], [ph, ph + eh], [pw, pw + ew], [0, 0]], value);
}

const toNHWC = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const toNCHW = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 3, 1, 2]);

export const MAX_POOL2D = defineOp<MaxPoolAttrs>({
  name: "max_pool2d",
  summary: "2-D max pooling over NCHW input (stride, padding, dilation, ceil_mode)",
  kernel: ([x], g) => {
    // Padding with -inf means padded cells never win, which is how PyTorch treats them.
    const padded = padNHWC(toNHWC(castRaw(x as tf.Tensor, "float32")), g, -Infinity);
    const dilated = g.dilation[0] > 1 || g.dilation[1] > 1;
    if (!dilated) return toNCHW(tf.maxPool(padded, g.kernel, g.stride, "valid"));
    // tf.pool takes a stride or a dilation, not both: pool densely, then keep every stride-th window.
    const dense = tf.pool(padded, g.kernel, "max", "valid", g.dilation, 1);
    const [n, h, w, c] = dense.shape as [number, number, number, number];
    const strided = g.stride[0] > 1 || g.stride[1] > 1 ? tf.stridedSlice(dense, [0, 0, 0, 0], [n, h, w, c], [1, g.stride[0], g.stride[1], 1]) : dense;
    return toNCHW(strided);
  },
  onnx: { ops: ["MaxPool"], emit: (ctx) => emitPool(ctx, "MaxPool") },
  flops: windowFlops,
  effect: "pure",
});

export function max_pool2d(x: Tensor, kernelSize: IntPair, options: MaxPool2dOptions = {}): Tensor {
  const g = geometry("max_pool2d", x, kernelSize, options);
  return apply(MAX_POOL2D, [x], { ...geometryAttrs(g), ceil_mode: !!options.ceil_mode });
}

/** How many cells each output window averages over, following PyTorch's avg_pool2d exactly. */
function divisors(shape: readonly number[], g: Geometry, countIncludePad: boolean): Float32Array {
  const [h, w] = [shape[2] as number, shape[3] as number];
  const [oh, ow] = g.out;
  const out = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let hs = i * g.stride[0] - g.padding[0];
      let ws = j * g.stride[1] - g.padding[1];
      let he = Math.min(hs + g.kernel[0], h + g.padding[0]);
      let we = Math.min(ws + g.kernel[1], w + g.padding[1]);
      const withPad = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, h);
      we = Math.min(we, w);
      out[i * ow + j] = countIncludePad ? withPad : (he - hs) * (we - ws);
    }
  }
  return out;
}

export const AVG_POOL2D = defineOp<AvgPoolAttrs>({
  name: "avg_pool2d",
  summary: "2-D average pooling over NCHW input (stride, padding, ceil_mode, count_include_pad, divisor_override)",
  kernel: ([x], g) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const area = g.kernel[0] * g.kernel[1];
    const override = g.divisor_override;
    const div = override === null ? divisors(t.shape, g, g.count_include_pad) : new Float32Array(g.out[0] * g.out[1]).fill(override);
    // tfjs averages over the whole (zero-padded) window; rescale where PyTorch divides by fewer cells.
    let y: tf.Tensor = tf.avgPool(padNHWC(toNHWC(t), g, 0), g.kernel, g.stride, "valid");
    if (!div.every((d) => d === area)) y = tf.mul(y, tf.tensor(div.map((d) => area / d), [1, g.out[0], g.out[1], 1]));
    return toNCHW(y);
  },
  onnx: { ops: ["AveragePool"], emit: (ctx) => emitPool(ctx, "AveragePool") },
  flops: windowFlops,
  effect: "pure",
});

export function avg_pool2d(x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  const g = geometry("avg_pool2d", x, kernelSize, options);
  const attrs = { ...geometryAttrs(g), ceil_mode: !!options.ceil_mode, count_include_pad: options.count_include_pad ?? true, divisor_override: options.divisor_override ?? null };
  return apply(AVG_POOL2D, [x], attrs);
}

/**
 * Averaging matrix [in, out] with PyTorch's adaptive bins, floor(i*in/out) to ceil((i+1)*in/out);
 * laid out for a plain matMul (tfjs-wasm's transposeB path is slow).
 */
export function adaptiveWeights(inSize: number, outSize: number): Float32Array {
  const m = new Float32Array(inSize * outSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let k = start; k < end; k++) m[k * outSize + i] = 1 / (end - start);
  }
  return m;
}
const adaptiveMatrix = (inSize: number, outSize: number): tf.Tensor2D => tf.tensor2d(adaptiveWeights(inSize, outSize), [inSize, outSize]);

/** Equal bins are a pooling op; unequal ones are the kernel's two averaging matrices: Mhᵀ · x · Mw. */
function emitAdaptiveAvgPool(ctx: EmitContext<{ output_size: [number, number] }>): string {
  const [oh, ow] = ctx.attrs.output_size;
  const [h, w] = ctx.type(0).shape.slice(-2) as [number, number];
  if (oh === 1 && ow === 1 && ctx.type(0).shape.length === 4) return ctx.op("GlobalAveragePool", [ctx.input(0)]);
  if (h % oh === 0 && w % ow === 0 && ctx.type(0).shape.length === 4) {
    const k = [h / oh, w / ow];
    return ctx.op("AveragePool", [ctx.input(0)], { kernel_shape: k, strides: k });
  }
  const byCols = ctx.op("MatMul", [ctx.cast(0, "float32"), ctx.b.constant(undefined, "float32", [w, ow], adaptiveWeights(w, ow))]);
  const hWeights = adaptiveWeights(h, oh);
  const transposed = new Float32Array(oh * h).map((_, k) => hWeights[(k % h) * oh + Math.floor(k / h)] as number);
  return ctx.op("MatMul", [ctx.b.constant(undefined, "float32", [oh, h], transposed), byCols]);
}

export function adaptive_avg_pool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  if (x.dim() !== 4 && x.dim() !== 3) throw new OpError("adaptive_avg_pool2d", [x.rawShape], "expected 3-D or 4-D input");
  const [h, w] = x.rawShape.slice(-2) as [number, number];
  const requested = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0] ?? null, outputSize[1] ?? null];
  const [oh, ow] = [requested[0] ?? h, requested[1] ?? w];
  if (!(oh > 0 && ow > 0)) throw new OpError("adaptive_avg_pool2d", [x.rawShape], `output_size must be positive, got [${oh}, ${ow}]`);
  return apply(ADAPTIVE_AVG_POOL2D, [x], { output_size: [oh, ow] });
}

export const ADAPTIVE_AVG_POOL2D = defineOp<{ output_size: [number, number] }>({
  name: "adaptive_avg_pool2d",
  summary: "2-D average pooling to a given output size, PyTorch's bins",
  kernel: ([x], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    const [oh, ow] = attrs.output_size;
    const [h, w] = t.shape.slice(-2) as [number, number];
    const r = t.rank;
    if (oh === 1 && ow === 1) return tf.mean(t, [r - 2, r - 1], true);
    if (h % oh === 0 && w % ow === 0 && r === 4) {
      const k: [number, number] = [h / oh, w / ow];
      return toNCHW(tf.avgPool(toNHWC(t), k, k, "valid"));
    }
    // Uneven bins: average rows then columns with two small matrices, exact and shape-agnostic.
    const cols = tf.matMul(tf.reshape(t, [-1, w]), adaptiveMatrix(w, ow));
    const lead = t.shape.slice(0, -2);
    const byRow = tf.transpose(tf.reshape(cols, [...lead, h, ow]), [...lead.keys(), r - 1, r - 2]);
    const rows = tf.matMul(tf.reshape(byRow, [-1, h]), adaptiveMatrix(h, oh));
    return tf.transpose(tf.reshape(rows, [...lead, ow, oh]), [...lead.keys(), r - 1, r - 2]);
  },
  onnx: { ops: ["GlobalAveragePool", "AveragePool", "MatMul"], emit: emitAdaptiveAvgPool },
  flops: reduction,
  effect: "pure",
});
