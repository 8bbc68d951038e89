import * as tf from "@tensorflow/tfjs-core";
import { apply, applyMulti } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { none } from "../../ops/flops";
import { type OpAttrs, type OpCall, defineOp } from "../../ops/record";
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

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
/** A shape op that leaves the shape as it was changes nothing. */
const sameShape = (name: string) => (call: OpCall<OpAttrs>): string | null => {
  const [i, o] = [call.inputs[0]?.shape, call.outputs[0]?.shape];
  return i && o && same(i, o) ? `${name} to the same shape [${o.join(",")}]` : null;
};

/** A reshape to the traced shape; with a dynamic batch, dim 0 is copied from the input (Reshape's 0). */
function emitReshape<A extends OpAttrs>(ctx: EmitContext<A>): string {
  const shape = [...ctx.out.shape];
  if (ctx.dynamicBatch !== null && shape.length > 0) {
    if (shape[0] !== ctx.dynamicBatch || ctx.type(0).shape[0] !== ctx.dynamicBatch) {
      ctx.unsupported(`with --dynamic-batch, a reshape must keep the batch as dim 0 (this one maps [${ctx.type(0).shape.join(",")}] to [${shape.join(",")}])`);
    }
    shape[0] = 0;
  }
  return ctx.op("Reshape", [ctx.input(0), ctx.int64(shape)]);
}

type ShapeAttrs = { shape: number[]; start_dim?: number; end_dim?: number };

// view and flatten are reshapes too; they keep their own names so the IR reads like the source.
function reshapeOp(name: string, summary: string) {
  return defineOp<ShapeAttrs>({
    name,
    summary,
    kernel: ([x], a) => tf.reshape(x as tf.Tensor, a.shape),
    onnx: { ops: ["Reshape"], emit: emitReshape },
    flops: none,
    effect: "pure",
    noop: sameShape(name),
  });
}
const RESHAPE = { reshape: reshapeOp("reshape", "the same elements in a new shape (one dim may be -1)"), view: reshapeOp("view", "reshape, as PyTorch's view") };
const FLATTEN = reshapeOp("flatten", "flatten(start_dim, end_dim): those dims merged into one");

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

type DimsAttrs = { dims: number[] };

function permuteOp(name: string, summary: string) {
  return defineOp<DimsAttrs>({
    name,
    summary,
    kernel: ([x], a) => tf.transpose(x as tf.Tensor, a.dims),
    onnx: { ops: ["Transpose"], emit: (ctx) => ctx.op("Transpose", [ctx.input(0)], { perm: ctx.attrs.dims }) },
    flops: none,
    effect: "pure",
    noop: (call) => (call.attrs.dims.every((d, i) => d === i) ? `${name} that keeps every dim in place` : null),
  });
}
const PERMUTE = permuteOp("permute", "dims reordered");
const TRANSPOSE = permuteOp("transpose", "two dims swapped");

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

type OptionalDimAttrs = { dim: number | null };

const UNSQUEEZE = defineOp<{ dim: number }>({
  name: "unsqueeze",
  summary: "a dim of size 1 inserted at dim",
  kernel: ([x], a) => tf.expandDims(x as tf.Tensor, a.dim),
  onnx: { ops: ["Reshape"], emit: emitReshape },
  flops: none,
  effect: "pure",
  noop: sameShape("unsqueeze"),
});
const SQUEEZE = defineOp<OptionalDimAttrs>({
  name: "squeeze",
  summary: "dims of size 1 removed (only dim, when given)",
  kernel: ([x], a) => (a.dim === null ? tf.squeeze(x as tf.Tensor) : tf.squeeze(x as tf.Tensor, [a.dim])),
  onnx: { ops: ["Reshape"], emit: emitReshape },
  flops: none,
  effect: "pure",
  noop: sameShape("squeeze"),
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

const SPLIT = defineOp<{ sizes: number[]; dim: number }>({
  name: "split",
  summary: "pieces of the listed sizes along dim",
  kernel: ([x], a) => tf.split(x as tf.Tensor, a.sizes, a.dim),
  onnx: {
    ops: ["Split"],
    emit: (ctx) => ctx.b.node("Split", [ctx.input(0), ctx.int64(ctx.attrs.sizes)], ctx.site.outputs.length, { axis: ctx.attrs.dim }),
  },
  flops: none,
  effect: "pure",
});

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

type JoinAttrs = { dim: number; dtype: Tensor["dtype"] };
const castAll = (xs: readonly (tf.Tensor | null)[], dtype: Tensor["dtype"]) => xs.map((t) => castRaw(t as tf.Tensor, dtype));
const castInputs = (ctx: EmitContext<JoinAttrs>) => Array.from({ length: ctx.inputCount }, (_, i) => ctx.cast(i, ctx.attrs.dtype));

const CAT = defineOp<JoinAttrs>({
  name: "cat",
  summary: "tensors joined along an existing dim",
  kernel: (xs, a) => tf.concat(castAll(xs, a.dtype), a.dim),
  onnx: { ops: ["Concat"], emit: (ctx) => ctx.op("Concat", castInputs(ctx), { axis: ctx.attrs.dim }) },
  flops: none,
  effect: "pure",
});
const STACK = defineOp<JoinAttrs>({
  name: "stack",
  summary: "tensors joined along a new dim",
  kernel: (xs, a) => tf.stack(castAll(xs, a.dtype), a.dim),
  onnx: {
    ops: ["Concat", "Unsqueeze"],
    emit: (ctx) => ctx.op("Concat", castInputs(ctx).map((v) => ctx.op("Unsqueeze", [v, ctx.int64([ctx.attrs.dim])])), { axis: ctx.attrs.dim }),
  },
  flops: none,
  effect: "pure",
});

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
const SELECT = defineOp<{ dim: number; index: number }>({
  name: "select",
  summary: "the slice at index along dim, with dim removed (x[:, 3])",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    const box = sliceBox(t.shape, a.dim, a.index, 1);
    return tf.squeeze(tf.slice(t, box.begin, box.size), [a.dim]);
  },
  // A scalar index removes the dim, as select does.
  onnx: { ops: ["Gather"], emit: (ctx) => ctx.op("Gather", [ctx.input(0), ctx.scalar(ctx.attrs.index, "int64")], { axis: ctx.attrs.dim }) },
  flops: none,
  effect: "pure",
});
const NARROW = defineOp<{ dim: number; start: number; length: number }>({
  name: "narrow",
  summary: "length elements along dim from start, dim kept",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    const box = sliceBox(t.shape, a.dim, a.start, a.length);
    return tf.slice(t, box.begin, box.size);
  },
  onnx: {
    ops: ["Slice"],
    emit: (ctx) => {
      const { dim, start, length } = ctx.attrs;
      return ctx.op("Slice", [ctx.input(0), ctx.int64([start]), ctx.int64([start + length]), ctx.int64([dim])]);
    },
  },
  flops: none,
  effect: "pure",
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

const EXPAND = defineOp<{ sizes: number[] }>({
  name: "expand",
  summary: "size-1 dims broadcast to sizes, without copying in PyTorch",
  kernel: ([x], a) => tf.broadcastTo(x as tf.Tensor, a.sizes),
  onnx: { ops: ["Expand"], emit: (ctx) => ctx.op("Expand", [ctx.input(0), ctx.int64(ctx.attrs.sizes)]) },
  flops: none,
  effect: "pure",
  noop: sameShape("expand"),
});
const TO = defineOp<{ dtype: Tensor["dtype"] }>({
  name: "to",
  summary: "cast to dtype",
  // tfjs casts -2.0 to false; PyTorch (and ONNX) call every nonzero true.
  kernel: ([x], a) => (a.dtype === "bool" && (x as tf.Tensor).dtype !== "bool" ? tf.notEqual(x as tf.Tensor, 0) : tf.cast(x as tf.Tensor, a.dtype)),
  onnx: { ops: ["Cast"], emit: (ctx) => ctx.castValue(ctx.input(0), ctx.attrs.dtype) },
  flops: none,
  effect: "pure",
  noop: (call) => (call.inputs[0]?.dtype === call.outputs[0]?.dtype ? `cast to the dtype it already has (${call.attrs.dtype})` : null),
});

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
