import * as tf from "@tensorflow/tfjs-core";
import { apply, applyMulti } from "../../eager/dispatch";
import { defineOp } from "../../eager/registry";
import { promoteTypes } from "../dtype";
import { ApiError, OpError, formatShape, normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Resolves one -1 in a requested shape, with PyTorch's message when the sizes do not fit. */
export function inferShape(name: string, x: Tensor, shape: readonly number[]): number[] {
  const total = x.numel();
  const unknown = shape.filter((d) => d === -1).length;
  const known = numel(shape.filter((d) => d !== -1));
  const bad = () => new OpError(name, [x.rawShape], `shape '${formatShape(shape)}' is invalid for input of size ${total}`);
  if (unknown > 1) throw new OpError(name, [x.rawShape], "only one dimension can be inferred (-1)");
  if (shape.some((d) => !Number.isInteger(d) || d < -1)) throw bad();
  if (unknown === 0) {
    if (known !== total) throw bad();
    return [...shape];
  }
  if (known === 0 || total % known !== 0) throw bad();
  return shape.map((d) => (d === -1 ? total / known : d));
}

// view and flatten are reshapes too; they keep their own names so the IR reads like the source.
const reshapeKernel = ([x]: readonly (tf.Tensor | null)[], a: { shape?: unknown }) => tf.reshape(x as tf.Tensor, a.shape as number[]);
const RESHAPE = { reshape: defineOp({ name: "reshape", kernel: reshapeKernel }), view: defineOp({ name: "view", kernel: reshapeKernel }) };
const FLATTEN = defineOp({ name: "flatten", kernel: reshapeKernel });

export function reshape(x: Tensor, shape: readonly number[], name: "reshape" | "view" = "reshape"): Tensor {
  return apply(RESHAPE[name], [x], { shape: inferShape(name, x, shape) });
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return apply(FLATTEN, [x], { shape: [1] });
  const s = normalizeDim(startDim, x.dim(), "flatten", x.rawShape);
  const e = normalizeDim(endDim, x.dim(), "flatten", x.rawShape);
  if (s > e) throw new OpError("flatten", [x.rawShape], "start_dim cannot come after end_dim");
  const shape = x.rawShape;
  const target = [...shape.slice(0, s), numel(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
  return apply(FLATTEN, [x], { shape: target, start_dim: s, end_dim: e });
}

const permuteKernel = ([x]: readonly (tf.Tensor | null)[], a: { dims?: unknown }) => tf.transpose(x as tf.Tensor, a.dims as number[]);
const PERMUTE = defineOp({ name: "permute", kernel: permuteKernel });
const TRANSPOSE = defineOp({ name: "transpose", kernel: permuteKernel });

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.dim()) {
    throw new OpError("permute", [x.rawShape], `number of dims don't match in permute (got ${dims.length} dims)`);
  }
  const perm = dims.map((d) => normalizeDim(d, x.dim(), "permute", x.rawShape));
  if (new Set(perm).size !== perm.length) throw new OpError("permute", [x.rawShape], "repeated dim in permute");
  return apply(PERMUTE, [x], { dims: perm });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.dim() < 2 && dim0 === dim1) return x;
  const a = normalizeDim(dim0, x.dim(), "transpose", x.rawShape);
  const b = normalizeDim(dim1, x.dim(), "transpose", x.rawShape);
  const perm = [...Array(x.dim()).keys()];
  perm[a] = b;
  perm[b] = a;
  return apply(TRANSPOSE, [x], { dims: perm });
}

const UNSQUEEZE = defineOp({ name: "unsqueeze", kernel: ([x], a) => tf.expandDims(x as tf.Tensor, a.dim as number) });
const SQUEEZE = defineOp({
  name: "squeeze",
  kernel: ([x], a) => (a.dim === null ? tf.squeeze(x as tf.Tensor) : tf.squeeze(x as tf.Tensor, [a.dim as number])),
});

export function unsqueeze(x: Tensor, dim: number): Tensor {
  return apply(UNSQUEEZE, [x], { dim: normalizeDim(dim, x.dim() + 1, "unsqueeze", x.rawShape) });
}

export function squeeze(x: Tensor, dim?: number | null): Tensor {
  if (dim === undefined || dim === null) {
    return apply(SQUEEZE, [x], { dim: null });
  }
  const d = normalizeDim(dim, x.dim(), "squeeze", x.rawShape);
  // PyTorch leaves a dim that is not of size 1 in place instead of failing.
  if (x.dim() === 0 || x.rawShape[d] !== 1) return x;
  return apply(SQUEEZE, [x], { dim: d });
}

const SPLIT = defineOp({ name: "split", kernel: ([x], a) => tf.split(x as tf.Tensor, a.sizes as number[], a.dim as number) });

/** torch.split: pieces of `size` along dim (the last may be smaller), or pieces of the listed sizes. */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim(), "split", x.rawShape);
  const length = x.rawShape[d] ?? 1;
  let sizes: number[];
  if (typeof sizeOrSizes === "number") {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) {
      throw new OpError("split", [x.rawShape], `split_size must be a positive integer, got ${sizeOrSizes}`);
    }
    sizes = [];
    for (let start = 0; start < length; start += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, length - start));
  } else {
    sizes = [...sizeOrSizes];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== length) {
      throw new OpError("split", [x.rawShape], `split sizes [${sizes.join(", ")}] sum to ${total}, not to dim ${d} of size ${length}`);
    }
  }
  if (sizes.length <= 1) return [x];
  return applyMulti(SPLIT, [x], { sizes, dim: d });
}

/** torch.chunk: `chunks` pieces of ceil(size / chunks), possibly fewer pieces. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new OpError("chunk", [x.rawShape], `chunks must be a positive integer, got ${chunks}`);
  }
  const d = normalizeDim(dim, x.dim(), "chunk", x.rawShape);
  const length = x.rawShape[d] ?? 1;
  return split(x, Math.max(1, Math.ceil(length / chunks)), d);
}

function checkSameRank(name: string, tensors: readonly Tensor[]): void {
  if (tensors.length === 0) throw new ApiError(`${name} expects a non-empty list of tensors`);
}

const castAll = (xs: readonly (tf.Tensor | null)[], dtype: unknown) => xs.map((t) => castRaw(t as tf.Tensor, dtype as Tensor["dtype"]));
const CAT = defineOp({ name: "cat", kernel: (xs, a) => tf.concat(castAll(xs, a.dtype), a.dim as number) });
const STACK = defineOp({ name: "stack", kernel: (xs, a) => tf.stack(castAll(xs, a.dtype), a.dim as number) });

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkSameRank("cat", tensors);
  const first = tensors[0] as Tensor;
  const d = normalizeDim(dim, first.dim(), "cat", first.rawShape);
  for (const t of tensors) {
    const ok = t.dim() === first.dim() && t.rawShape.every((s, i) => i === d || s === first.rawShape[i]);
    if (!ok) {
      throw new OpError("cat", tensors.map((u) => u.rawShape), `sizes of tensors must match except in dimension ${d}`);
    }
  }
  if (tensors.length === 1) return first;
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  return apply(CAT, tensors, { dim: d, dtype });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkSameRank("stack", tensors);
  const first = tensors[0] as Tensor;
  const d = normalizeDim(dim, first.dim() + 1, "stack", first.rawShape);
  if (tensors.some((t) => t.rawShape.length !== first.rawShape.length || t.rawShape.some((s, i) => s !== first.rawShape[i]))) {
    throw new OpError("stack", tensors.map((u) => u.rawShape), "stack expects each tensor to be equal size");
  }
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  return apply(STACK, tensors, { dim: d, dtype });
}

const sliceBox = (shape: readonly number[], dim: number, start: number, length: number) => ({
  begin: shape.map((_, k) => (k === dim ? start : 0)),
  size: shape.map((s, k) => (k === dim ? length : s)),
});
const SELECT = defineOp({
  name: "select",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    const box = sliceBox(t.shape, a.dim as number, a.index as number, 1);
    return tf.squeeze(tf.slice(t, box.begin, box.size), [a.dim as number]);
  },
});
const NARROW = defineOp({
  name: "narrow",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    const box = sliceBox(t.shape, a.dim as number, a.start as number, a.length as number);
    return tf.slice(t, box.begin, box.size);
  },
});

/** x.select(dim, index): the slice at `index`, with `dim` removed (x[:, 3] in PyTorch). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.dim(), "select", x.rawShape);
  const size = x.rawShape[d] ?? 0;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new OpError("select", [x.rawShape], `index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  return apply(SELECT, [x], { dim: d, index: index < 0 ? index + size : index });
}

/** x.narrow(dim, start, length): `length` elements along `dim` from `start`, dim kept. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.dim(), "narrow", x.rawShape);
  const size = x.rawShape[d] ?? 0;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new OpError("narrow", [x.rawShape], `start (${start}) + length (${length}) exceeds dimension ${d} of size ${size}`);
  }
  return apply(NARROW, [x], { dim: d, start: s, length });
}

const EXPAND = defineOp({ name: "expand", kernel: ([x], a) => tf.broadcastTo(x as tf.Tensor, a.sizes as number[]) });
const TO = defineOp({ name: "to", kernel: ([x], a) => tf.cast(x as tf.Tensor, a.dtype as Tensor["dtype"]) });

/** x.expand(...sizes): broadcasts size-1 dims to `sizes`; -1 keeps a dim. */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  const offset = sizes.length - x.dim();
  if (offset < 0) throw new OpError("expand", [x.rawShape], `the number of sizes (${sizes.length}) must be at least the tensor's rank`);
  const target = sizes.map((s, i) => {
    const current = i >= offset ? (x.rawShape[i - offset] as number) : 1;
    const want = s === -1 ? current : s;
    if (current !== 1 && current !== want) {
      throw new OpError("expand", [x.rawShape], `the expanded size (${want}) must match the existing size (${current}) at dimension ${i}`);
    }
    return want;
  });
  return apply(EXPAND, [x], { sizes: target });
}

export function toDType(x: Tensor, dtype: Tensor["dtype"]): Tensor {
  if (x.dtype === dtype) return x;
  return apply(TO, [x], { dtype });
}
