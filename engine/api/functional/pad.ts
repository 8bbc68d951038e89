import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError, formatShape } from "../errors";
import type { Tensor } from "../tensor";

export type PadMode = "constant" | "reflect" | "replicate";

export interface PadOptions {
  mode?: PadMode;
  value?: number | null;
}

/** `pads[d]` is [before, after] for dim d of the input (every dim, in order); negative crops (constant mode). */
type PadAttrs = { mode: PadMode; value: number; pads: [number, number][] };

/** Edge padding (tfjs has none): each padded dim gets its first and last slice repeated (concat beats a gather on wasm). */
function replicate(x: tf.Tensor, pads: readonly [number, number][]): tf.Tensor {
  let y = x;
  pads.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const size = y.shape[axis] as number;
    const edge = (at: number, count: number): tf.Tensor => {
      const begin = y.shape.map((_, d) => (d === axis ? at : 0));
      const extent = y.shape.map((n, d) => (d === axis ? 1 : n));
      const slice = tf.slice(y, begin, extent);
      return count === 1 ? slice : tf.tile(slice, y.shape.map((_, d) => (d === axis ? count : 1)));
    };
    const parts = [...(before > 0 ? [edge(0, before)] : []), y, ...(after > 0 ? [edge(size - 1, after)] : [])];
    y = tf.concat(parts, axis);
  });
  return y;
}

/** Constant padding that may crop: negative pads slice first, positive ones then pad. */
function constant(x: tf.Tensor, pads: readonly [number, number][], value: number): tf.Tensor {
  let y = x;
  if (pads.some(([b, a]) => b < 0 || a < 0)) {
    const begin = pads.map(([b]) => Math.max(-b, 0));
    const size = pads.map(([b, a], d) => (x.shape[d] as number) - Math.max(-b, 0) - Math.max(-a, 0));
    y = tf.slice(y, begin, size);
  }
  const positive = pads.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)] as [number, number]);
  return positive.some(([b, a]) => b + a > 0) ? tf.pad(y, positive, value) : y;
}

const ONNX_MODE: Record<PadMode, string> = { constant: "constant", reflect: "reflect", replicate: "edge" };

const PAD = defineOp<PadAttrs>({
  name: "pad",
  summary: "padding of the last dims (pad list last-dim-first, as PyTorch): constant with a value, reflect or replicate",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    if (a.mode === "reflect") return tf.mirrorPad(t, a.pads, "reflect");
    if (a.mode === "replicate") return replicate(t, a.pads);
    return constant(t, a.pads, a.value);
  },
  onnx: {
    ops: ["Pad"],
    emit: (ctx) => {
      const a = ctx.attrs;
      const inputs = [ctx.input(0), ctx.int64([...a.pads.map(([b]) => b), ...a.pads.map(([, e]) => e)])];
      if (a.mode === "constant" && a.value !== 0) inputs.push(ctx.scalar(a.value, ctx.type(0).dtype));
      return ctx.op("Pad", inputs, { mode: ONNX_MODE[a.mode] });
    },
  },
  flops: none,
  effect: "pure",
  noop: (call) => (call.attrs.pads.every(([b, a]) => b === 0 && a === 0) ? "pad by zero everywhere" : null),
});

/**
 * F.pad(x, pad, { mode, value }): `pad` pairs (before, after) from the last dim backwards, PyTorch's
 * order: [left, right, top, bottom] pads width then height.
 */
export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  const mode = options.mode ?? "constant";
  if (mode !== "constant" && mode !== "reflect" && mode !== "replicate") throw new ApiError(`pad: mode must be 'constant', 'reflect' or 'replicate', got '${String(mode)}'`);
  if (padding.some((p) => !Number.isInteger(p))) throw new ApiError(`pad: padding must be integers, got ${JSON.stringify(padding)}`);
  if (padding.length % 2 !== 0) throw new OpError("pad", [x.shape], "Padding length must be divisible by 2");
  const padded = padding.length / 2;
  if (padded > x.dim()) throw new OpError("pad", [x.shape], "Padding length too large");
  const rank = x.dim();
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < padded; i++) pads[rank - 1 - i] = [padding[2 * i] as number, padding[2 * i + 1] as number];
  if (mode !== "constant") {
    if (options.value !== undefined && options.value !== null && options.value !== 0) {
      throw new ApiError(`pad: padding mode "${mode}" doesn't take in value argument`);
    }
    if (!(padded >= 1 && padded <= 3 && (rank === padded + 1 || rank === padded + 2))) {
      throw new OpError("pad", [x.shape], "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
    }
    if (padding.some((p) => p < 0)) throw new OpError("pad", [x.shape], `negative padding is only supported in constant mode`);
    if (mode === "reflect") {
      pads.forEach(([b, a], d) => {
        if (b >= (x.shape[d] as number) || a >= (x.shape[d] as number)) {
          throw new OpError("pad", [x.shape], `Padding size should be less than the corresponding input dimension, but got: padding (${b}, ${a}) at dimension ${d} of input ${formatShape(x.shape)}`);
        }
      });
    }
  } else {
    pads.forEach(([b, a], d) => {
      if ((x.shape[d] as number) + b + a < 0) {
        throw new OpError("pad", [x.shape], `The input size ${x.shape[d]}, plus negative padding ${b} and ${a} resulted in a negative output size`);
      }
    });
  }
  return apply(PAD, [x], { mode, value: options.value ?? 0, pads });
}
