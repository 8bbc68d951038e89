import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";

export type InterpolateMode = "nearest" | "linear" | "bilinear";

export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
}

type InterpolateAttrs = {
  mode: "nearest" | "linear";
  align_corners: boolean;
  /** Output size of each spatial dim. */
  size: number[];
  /** The user's scale factors, which PyTorch maps coordinates with (1/scale) when given; null: in/out. */
  scales: number[] | null;
};

const f32 = Math.fround;

/** PyTorch's nearest source index (UpSampleKernel's nearest_idx, float arithmetic): floor(dst · scale). */
function nearestIndices(inSize: number, outSize: number, scale: number | null): Int32Array {
  const idx = new Int32Array(outSize);
  const s = scale !== null && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);
  for (let j = 0; j < outSize; j++) {
    idx[j] = outSize === inSize ? j : outSize === 2 * inSize ? j >> 1 : Math.min(Math.floor(f32(j * s)), inSize - 1);
  }
  return idx;
}

/** PyTorch's linear taps: source (dst + 0.5)·scale - 0.5 clamped at 0 (or dst·(in-1)/(out-1) with align_corners). */
function linearTaps(inSize: number, outSize: number, scale: number | null, alignCorners: boolean) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const s = alignCorners ? (outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0) : scale !== null && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);
  for (let j = 0; j < outSize; j++) {
    const src = alignCorners ? f32(s * j) : Math.max(f32(f32(s * (j + 0.5)) - 0.5), 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    lo[j] = i0;
    hi[j] = i0 + (i0 < inSize - 1 ? 1 : 0);
    weight[j] = Math.min(Math.max(src - i0, 0), 1);
  }
  return { lo, hi, weight };
}

/** Resamples one axis: a gather for nearest, two gathers and a lerp for linear. */
function resampleAxis(x: tf.Tensor, axis: number, outSize: number, scale: number | null, a: InterpolateAttrs): tf.Tensor {
  const inSize = x.shape[axis] as number;
  if (a.mode === "nearest") {
    if (inSize === outSize) return x;
    return tf.gather(x, tf.tensor1d(nearestIndices(inSize, outSize, scale), "int32"), axis);
  }
  const { lo, hi, weight } = linearTaps(inSize, outSize, scale, a.align_corners);
  const x0 = tf.gather(x, tf.tensor1d(lo, "int32"), axis);
  const x1 = tf.gather(x, tf.tensor1d(hi, "int32"), axis);
  const w = tf.tensor(weight, [outSize, ...Array<number>(x.rank - 1 - axis).fill(1)]);
  return tf.add(x0, tf.mul(tf.sub(x1, x0), w));
}

function emitResize(ctx: EmitContext<InterpolateAttrs>): string {
  const a = ctx.attrs;
  const attrs: Record<string, string> =
    a.mode === "nearest"
      ? { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" }
      : { mode: "linear", coordinate_transformation_mode: a.align_corners ? "align_corners" : "pytorch_half_pixel" };
  const x = ctx.cast(0, "float32");
  if (a.scales !== null && !a.align_corners) {
    // PyTorch maps coordinates with the given scale, as Resize does when it gets scales.
    const scales = ctx.b.constant(undefined, "float32", [a.scales.length + 2], Float32Array.from([1, 1, ...a.scales]));
    return ctx.op("Resize", [x, "", scales], attrs);
  }
  const lead = ctx.type(0).shape.slice(0, 2);
  const sizes =
    ctx.dynamicBatch === null
      ? ctx.int64([...lead, ...a.size])
      : ctx.op("Concat", [ctx.op("Shape", [x], { start: 0, end: 2 }), ctx.int64(a.size)], { axis: 0 });
  return ctx.op("Resize", [x, "", "", sizes], attrs);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Whether tfjs's resize kernels give PyTorch's result on this axis. They map with in/out, so the
 * scale PyTorch uses must be that one; nearest also needs in/out exact in binary (a power-of-two
 * ratio), so that tfjs's floor(dst·in/out) lands where PyTorch's does.
 */
function resizeAgrees(inSize: number, outSize: number, scale: number | null, a: InterpolateAttrs): boolean {
  if (a.align_corners) return true;
  const torchScale = scale !== null && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);
  if (torchScale !== f32(inSize / outSize)) return false;
  if (a.mode === "linear") return true;
  const denominator = outSize / gcd(inSize, outSize);
  if ((denominator & (denominator - 1)) !== 0) return false;
  const idx = nearestIndices(inSize, outSize, scale);
  return idx.every((v, j) => v === Math.min(Math.floor((j * inSize) / outSize), inSize - 1));
}

/** tfjs's resize kernels on NHWC: several times faster than gathers on the wasm backend. */
function resize2d(x: tf.Tensor4D, size: [number, number], a: InterpolateAttrs): tf.Tensor {
  const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
  const y = a.mode === "nearest" ? tf.image.resizeNearestNeighbor(nhwc, size, false, false) : tf.image.resizeBilinear(nhwc, size, a.align_corners, !a.align_corners);
  return tf.transpose(y, [0, 3, 1, 2]);
}

const INTERPOLATE = defineOp<InterpolateAttrs>({
  name: "interpolate",
  summary: "resampling of the spatial dims (nearest, linear, bilinear; align_corners; size or scale_factor)",
  kernel: ([x], a) => {
    let y = castRaw(x as tf.Tensor, "float32");
    const spatial = y.shape.slice(2);
    if (spatial.length <= 2 && a.size.every((out, i) => resizeAgrees(spatial[i] as number, out, a.scales?.[i] ?? null, a))) {
      const [n, c] = y.shape as [number, number];
      if (spatial.length === 2) return resize2d(y as tf.Tensor4D, a.size as [number, number], a);
      // One spatial dim: a height-1 image.
      const out = resize2d(tf.reshape(y, [n, c, 1, spatial[0] as number]), [1, a.size[0] as number], a);
      return tf.reshape(out, [n, c, a.size[0] as number]);
    }
    // Otherwise PyTorch's exact indices and weights, one axis at a time.
    a.size.forEach((outSize, i) => {
      y = resampleAxis(y, 2 + i, outSize, a.scales?.[i] ?? null, a);
    });
    return y;
  },
  onnx: { ops: ["Resize"], emit: emitResize },
  // nearest moves data (0); linear modes lerp once per interpolated dim: 2 FLOPs (a multiply-add) per output each.
  flops: (call) => (call.attrs.mode === "nearest" ? 0 : 2 * call.attrs.size.length * numel(call.outputs[0]?.shape ?? [])),
  effect: "pure",
});

const SPATIAL: Record<InterpolateMode, readonly number[]> = { nearest: [1, 2, 3], linear: [1], bilinear: [2] };

function perDim(value: number | readonly number[], dims: number, what: string, x: Tensor): number[] {
  const list = typeof value === "number" ? Array<number>(dims).fill(value) : [...value];
  if (list.length !== dims) {
    throw new OpError("interpolate", [x.shape], `Input and ${what} must have the same number of spatial dimensions, but got input with spatial dimensions of [${x.shape.slice(2).join(", ")}] and ${what} of [${list.join(", ")}].`);
  }
  return list;
}

/** F.interpolate: PyTorch's nearest (floor rule), linear and bilinear resampling of [N, C, ...spatial]. */
export function interpolate(x: Tensor, options: InterpolateOptions = {}): Tensor {
  const mode = options.mode ?? "nearest";
  const spatial = x.dim() - 2;
  if (!(mode in SPATIAL)) throw new ApiError(`interpolate: mode must be 'nearest', 'linear' or 'bilinear', got '${String(mode)}'`);
  if (!SPATIAL[mode].includes(spatial)) {
    throw new OpError("interpolate", [x.shape], `Got ${x.dim()}D input, but ${mode} mode needs ${(SPATIAL[mode][0] as number) + 2}D input`);
  }
  const alignSet = options.align_corners !== undefined && options.align_corners !== null;
  if (mode === "nearest" && alignSet) {
    throw new ApiError("interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  const hasSize = options.size !== undefined && options.size !== null;
  const hasScale = options.scale_factor !== undefined && options.scale_factor !== null;
  if (hasSize === hasScale) throw new ApiError(hasSize ? "interpolate: only one of size or scale_factor should be defined" : "interpolate: either size or scale_factor should be defined");
  const inSizes = x.shape.slice(2);
  let size: number[];
  let scales: number[] | null = null;
  if (hasSize) {
    size = perDim(options.size as number | readonly number[], spatial, "output size", x);
  } else {
    const factors = perDim(options.scale_factor as number | readonly number[], spatial, "scale_factor", x);
    size = factors.map((f, i) => Math.floor((inSizes[i] as number) * f));
    if (!options.recompute_scale_factor) scales = factors;
  }
  if (size.some((s) => !Number.isInteger(s) || s <= 0)) throw new OpError("interpolate", [x.shape], `output size must be positive, got [${size.join(", ")}]`);
  return apply(INTERPOLATE, [x], { mode: mode === "nearest" ? "nearest" : "linear", align_corners: !!options.align_corners, size, scales });
}
