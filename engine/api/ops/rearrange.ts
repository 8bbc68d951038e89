import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { none, numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError, normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";
import { cat, expand, flatten, narrow, permute, reshape, unsqueeze } from "./shape";

/**
 * Ops that move elements around without arithmetic: flip, roll, repeat, repeat_interleave,
 * movedim, unflatten, the *_as forms, clone and detach. Records where one kernel (or one ONNX
 * node) does the job; composites of slicing, cat and reshape elsewhere.
 */

const dimList = (dims: number | readonly number[]): number[] => (typeof dims === "number" ? [dims] : [...dims]);

function normalizeDims(op: string, x: Tensor, dims: readonly number[]): number[] {
  const out = dims.map((d) => normalizeDim(d, x.dim(), op, x.shape));
  if (new Set(out).size !== out.length) throw new OpError(op, [x.shape], `dims has duplicates: [${dims.join(", ")}]`);
  return out;
}

// ONNX Slice runs to the start of a dim with a step of -1 when its end is below every index.
const INT64_MIN = -(2 ** 63);

const FLIP = defineOp<{ dims: number[] }>({
  name: "flip",
  summary: "flip(dims): the order of elements reversed along each of dims",
  kernel: ([x], { dims }) => {
    const t = x as tf.Tensor;
    // tfjs-wasm's Reverse gives wrong values for bools; int32 holds them exactly.
    return t.dtype === "bool" ? castRaw(tf.reverse(castRaw(t, "int32"), dims), "bool") : tf.reverse(t, dims);
  },
  onnx: {
    ops: ["Slice"],
    emit: (ctx) => {
      const { dims } = ctx.attrs;
      const all = (v: number) => ctx.int64(dims.map(() => v));
      return ctx.op("Slice", [ctx.input(0), all(-1), all(INT64_MIN), ctx.int64(dims), all(-1)]);
    },
  },
  flops: none,
  effect: "pure",
  noop: (call) => (call.attrs.dims.every((d) => call.inputs[0]?.shape[d] === 1) ? "flip of dims of size 1 (or of no dims)" : null),
});

/** torch.flip(input, dims): elements reversed along each of `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  return apply(FLIP, [x], { dims: normalizeDims("flip", x, dimList(dims)) });
}

/**
 * torch.roll(input, shifts, dims): elements shifted along dims, those pushed off the end coming
 * back at the start; without dims, over the flattened tensor, shape kept. Two slices and a cat per
 * dim, which is what PyTorch's own kernel does too.
 */
export type RollDims = number | readonly number[] | null | { dims?: number | readonly number[] | null };

export function roll(x: Tensor, shifts: number | readonly number[], dimsArg?: RollDims): Tensor {
  const dims = typeof dimsArg === "object" && dimsArg !== null && !Array.isArray(dimsArg) ? (dimsArg as { dims?: number | readonly number[] | null }).dims : (dimsArg as number | readonly number[] | null | undefined);
  const shiftList = dimList(shifts);
  if (dims === undefined || dims === null) {
    if (shiftList.length !== 1) throw new OpError("roll", [x.shape], `shifts and dimensions must align. shifts: ${shiftList.length}, dims: 0`);
    return reshape(roll(flatten(x), shiftList, 0), x.shape);
  }
  const dimsList = dimList(dims);
  if (shiftList.length !== dimsList.length) {
    throw new OpError("roll", [x.shape], `shifts and dimensions must align. shifts: ${shiftList.length}, dims:${dimsList.length}`);
  }
  let out = x;
  dimsList.forEach((dim, i) => {
    const d = normalizeDim(dim, x.dim(), "roll", x.shape);
    const n = x.shape[d] as number;
    const s = n === 0 ? 0 : (((shiftList[i] as number) % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  return out;
}

const REPEAT = defineOp<{ repeats: number[] }>({
  name: "repeat",
  summary: "repeat(*sizes): the tensor tiled sizes[d] times along each dim (new leading dims when sizes is longer)",
  kernel: ([x], { repeats }) => {
    const t = x as tf.Tensor;
    const padded = [...repeats.slice(0, repeats.length - t.rank).map(() => 1), ...t.shape];
    return tf.tile(padded.length === t.rank ? t : tf.reshape(t, padded), repeats);
  },
  onnx: {
    ops: ["Tile", "Reshape"],
    emit: (ctx) => {
      const { repeats } = ctx.attrs;
      const shape = ctx.type(0).shape;
      const padded = [...repeats.slice(0, repeats.length - shape.length).map(() => 1), ...shape];
      const x = padded.length === shape.length ? ctx.input(0) : ctx.op("Reshape", [ctx.input(0), ctx.int64(padded)]);
      return ctx.op("Tile", [x, ctx.int64(repeats)]);
    },
  },
  flops: none,
  effect: "pure",
  noop: (call) => (call.attrs.repeats.every((r) => r === 1) && call.attrs.repeats.length === call.inputs[0]?.shape.length ? "repeat once along every dim" : null),
});

/** x.repeat(*sizes): tiles the tensor; sizes may be longer than its rank (new leading dims). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.dim()) {
    throw new OpError("repeat", [x.shape], "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  }
  if (sizes.some((r) => !Number.isInteger(r) || r < 0)) throw new OpError("repeat", [x.shape], `Trying to create tensor with negative dimension: [${sizes.join(", ")}]`);
  return apply(REPEAT, [x], { repeats: [...sizes] });
}

export interface RepeatInterleaveOptions {
  dim?: number | null;
}

/**
 * torch.repeat_interleave(input, repeats, dim): each element repeated `repeats` times in place
 * along dim ([a, b] -> [a, a, b, b]); without dim, over the flattened tensor. Integer repeats: an
 * unsqueeze, an expand and a reshape, so it traces and exports as those.
 */
export function repeat_interleave(x: Tensor, repeats: number, dimArg?: number | null | RepeatInterleaveOptions): Tensor {
  const dim = typeof dimArg === "object" && dimArg !== null ? dimArg.dim : dimArg;
  if (typeof repeats !== "number") throw new OpError("repeat_interleave", [x.shape], "only an integer number of repeats is supported (not a tensor of repeats)");
  if (!Number.isInteger(repeats) || repeats < 0) throw new OpError("repeat_interleave", [x.shape], `repeats must be a non-negative integer, got ${repeats}`);
  if (dim === undefined || dim === null) return repeat_interleave(flatten(x), repeats, 0);
  const d = normalizeDim(dim, x.dim(), "repeat_interleave", x.shape);
  if (repeats === 1) return x;
  const spread = [...x.shape.slice(0, d + 1), repeats, ...x.shape.slice(d + 1)];
  const merged = x.shape.map((n, k) => (k === d ? n * repeats : n));
  return reshape(expand(unsqueeze(x, d + 1), spread), merged);
}

/** x.expand_as(other): x broadcast to other's shape. */
export const expand_as = (x: Tensor, other: Tensor): Tensor => expand(x, other.shape);
/** x.view_as(other): x reshaped to other's shape. */
export const view_as = (x: Tensor, other: Tensor): Tensor => reshape(x, other.shape, "view");
/** x.reshape_as(other): x reshaped to other's shape. */
export const reshape_as = (x: Tensor, other: Tensor): Tensor => reshape(x, other.shape);

/** torch.unflatten(input, dim, sizes): dim split into sizes (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim(), "unflatten", x.shape);
  const n = x.shape[d] as number;
  if (sizes.length === 0) throw new OpError("unflatten", [x.shape], "unflatten: sizes must be non-empty");
  const unknown = sizes.filter((s) => s === -1).length;
  const known = numel(sizes.filter((s) => s !== -1));
  const fits = unknown === 0 ? known === n : unknown === 1 && known > 0 && n % known === 0;
  if (!fits) {
    throw new OpError("unflatten", [x.shape], `unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${dim} (${n}) in the input tensor`);
  }
  const resolved = sizes.map((s) => (s === -1 ? n / known : s));
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)], "view");
}

/** torch.movedim(input, source, destination): the dims at source moved to destination, the others kept in order. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = normalizeDims("movedim", x, dimList(source));
  const dst = normalizeDims("movedim", x, dimList(destination));
  if (src.length !== dst.length) {
    throw new OpError("movedim", [x.shape], `movedim: Invalid source or destination dims: source ([${src.join(", ")}] dims) should contain the same number of dims as destination ([${dst.join(", ")}] dims)`);
  }
  const perm = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => (perm[dst[i] as number] = s));
  const rest = [...Array(x.dim()).keys()].filter((k) => !src.includes(k));
  for (let k = 0; k < perm.length; k++) if (perm[k] === -1) perm[k] = rest.shift() as number;
  return perm.every((p, k) => p === k) ? x : permute(x, perm);
}

type NoAttrs = Record<string, never>;

/** An identity that still makes a new tensor, so the IR shows the call and the passes drop it. */
function identityOp(name: "clone" | "detach", summary: string, why: string) {
  return defineOp<NoAttrs>({
    name,
    summary,
    // tf.clone shares the data and makes a new handle the caller may dispose on its own.
    kernel: ([x]) => tf.clone(x as tf.Tensor),
    onnx: { ops: ["Identity"], emit: (ctx) => ctx.op("Identity", [ctx.input(0)]) },
    flops: none,
    effect: "pure",
    noop: () => why,
  });
}
const CLONE = identityOp("clone", "a copy of the tensor (tensors are immutable here, so it shares the data)", "clone of an immutable tensor");
const DETACH = identityOp("detach", "the tensor cut from autograd: the identity in inference", "detach in inference");

export interface CloneOptions {
  /** Accepted for PyTorch compatibility: tfjs tensors have one layout. */
  memory_format?: string;
}

/** torch.clone: a new tensor with the same values. */
export const clone = (x: Tensor, _options: CloneOptions = {}): Tensor => apply(CLONE, [x], {});
/** torch.detach: a new tensor with the same values, outside autograd (the identity until training lands). */
export const detach = (x: Tensor): Tensor => apply(DETACH, [x], {});
