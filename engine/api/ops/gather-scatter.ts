import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { none, numel } from "../../ops/flops";
import { type OpAttrs, defineOp } from "../../ops/record";
import { OpError, normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";
import { expand, flatten } from "./shape";

/**
 * torch.gather, scatter, scatter_add and index_select. Index tensors are Tandem's int64 (int32);
 * ONNX wants int64, so every emitter casts them. Out-of-range indices, negative ones included,
 * fail as in PyTorch: tfjs would read zeros or garbage silently, which hides the bug.
 */

/** PyTorch raises on an index outside [0, size); the kernel reads the values to check, as embedding does. */
function checkRange(op: string, index: tf.Tensor, size: number, dim: number, shapes: readonly (readonly number[])[]): void {
  const values = index.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v >= size) throw new OpError(op, shapes, `index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

const strides = (shape: readonly number[]): number[] => {
  const out = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) out[d] = (out[d + 1] as number) * (shape[d + 1] as number);
  return out;
};

/**
 * The flat offset into an input of `inputShape` of each element of `index` along `dim`: the
 * element's own coordinates in every other dim, and its index value in `dim` (GatherElements).
 */
function flatOffsets(index: tf.Tensor, inputShape: readonly number[], dim: number): tf.Tensor {
  const stride = strides(inputShape);
  let offsets = tf.mul(index, tf.scalar(stride[dim] as number, "int32"));
  index.shape.forEach((n, d) => {
    if (d === dim || n === 1) return;
    const along = index.shape.map((_, k) => (k === d ? n : 1));
    offsets = tf.add(offsets, tf.reshape(tf.range(0, n * (stride[d] as number), stride[d] as number, "int32"), along));
  });
  return offsets;
}

/** torch's rule for gather/scatter: index no larger than self (and src) outside `dim`, same rank. */
function checkIndexShape(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): void {
  const shapes = src ? [x.shape, index.shape, src.shape] : [x.shape, index.shape];
  if (index.dtype !== "int32") throw new OpError(op, shapes, `${op}(): Expected dtype int64 for index, got ${index.dtype}`);
  if (index.dim() !== x.dim() && !(index.dim() <= 1 && x.dim() <= 1)) {
    throw new OpError(op, shapes, "Index tensor must have the same number of dimensions as input tensor");
  }
  const fits = index.shape.every((n, d) => (d === dim || n <= (x.shape[d] ?? 1)) && (!src || n <= (src.shape[d] ?? 1)));
  if (!fits) {
    const against = src ? `self [${x.shape.join(", ")}] apart from dimension ${dim} and to be smaller size than src [${src.shape.join(", ")}]` : `self [${x.shape.join(", ")}] apart from dimension ${dim}`;
    throw new OpError(op, shapes, `Expected index [${index.shape.join(", ")}] to be smaller than ${against}`);
  }
}

type DimAttrs = { dim: number };
const ONNX_INT64 = 7;
/** Tandem's int64 is int32; ONNX's index inputs want int64. */
const index64 = <A extends OpAttrs>(ctx: EmitContext<A>, i: number): string => ctx.op("Cast", [ctx.input(i)], { to: ONNX_INT64 });

const GATHER = defineOp<DimAttrs>({
  name: "gather",
  summary: "gather(dim, index): out[i][j] = x[index[i][j]][j] along dim (GatherElements)",
  kernel: ([x, index], { dim }) => {
    const t = x as tf.Tensor;
    const idx = index as tf.Tensor;
    checkRange("gather", idx, t.shape[dim] ?? 1, dim, [t.shape, idx.shape]);
    return tf.gather(tf.reshape(t, [-1]), flatOffsets(idx, t.shape, dim));
  },
  onnx: { ops: ["GatherElements"], emit: (ctx) => ctx.op("GatherElements", [ctx.input(0), index64(ctx, 1)], { axis: ctx.attrs.dim }) },
  flops: none,
  effect: "pure",
});

/** torch.gather(input, dim, index): values of `x` picked along `dim` by an int64 index of the same rank. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.dim(), "gather", x.shape);
  checkIndexShape("gather", x, d, index, null);
  return apply(GATHER, [x, index], { dim: d });
}

type ScatterAttrs = { dim: number; value: number | null };

/** The updates, cut to the index's shape (torch reads src only where index has elements). */
function updatesRaw(src: tf.Tensor | null, value: number | null, index: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  if (!src) return tf.fill(index.shape, value as number, dtype);
  const s = castRaw(src, dtype as Tensor["dtype"]);
  const fits = s.shape.every((n, d) => n === index.shape[d]);
  return fits ? s : tf.slice(s, index.shape.map(() => 0), index.shape);
}

function emitUpdates(ctx: EmitContext<ScatterAttrs>): string {
  const dtype = ctx.type(0).dtype;
  const shape = ctx.type(1).shape;
  if (!ctx.has(2)) return ctx.op("Expand", [ctx.scalar(ctx.attrs.value as number, dtype), ctx.int64(shape)]);
  const src = ctx.cast(2, dtype);
  const srcShape = ctx.type(2).shape;
  if (srcShape.every((n, d) => n === shape[d])) return src;
  return ctx.op("Slice", [src, ctx.int64(shape.map(() => 0)), ctx.int64(shape), ctx.int64(shape.map((_, d) => d))]);
}

/** A tensor with its own buffer (tf.clone shares the input's). */
const ownCopy = (t: tf.Tensor): tf.Tensor => tf.tensor(t.dataSync().slice(), t.shape, t.dtype);

function scatterOp(name: "scatter" | "scatter_add", summary: string) {
  const add = name === "scatter_add";
  return defineOp<ScatterAttrs>({
    name,
    summary,
    kernel: ([x, index, src], { dim, value }) => {
      const t = x as tf.Tensor;
      const idx = index as tf.Tensor;
      checkRange(name, idx, t.shape[dim] ?? 1, dim, [t.shape, idx.shape]);
      const at = tf.reshape(flatOffsets(idx, t.shape, dim), [-1, 1]);
      const updates = tf.reshape(updatesRaw(src ?? null, value, idx, t.dtype), [-1]);
      const flat = tf.reshape(t, [-1]);
      // scatterND sums repeated offsets, which is scatter_add's rule; plain scatter overwrites.
      // tfjs's cpu tensorScatterUpdate writes into its input's buffer, which x (and every tensor
      // sharing it) still owns: it gets a copy of the values to write into.
      const out = add ? tf.add(flat, tf.scatterND(at, updates, flat.shape)) : tf.tensorScatterUpdate(ownCopy(flat), at, updates);
      return tf.reshape(out, t.shape);
    },
    onnx: {
      ops: ["ScatterElements"],
      emit: (ctx) => ctx.op("ScatterElements", [ctx.input(0), index64(ctx, 1), emitUpdates(ctx)], { axis: ctx.attrs.dim, ...(add ? { reduction: "add" } : {}) }),
    },
    // scatter_add adds each source element once; scatter only moves data.
    flops: add ? (call) => numel(call.inputs[1]?.shape ?? []) : none,
    effect: "pure",
  });
}
const SCATTER = scatterOp("scatter", "scatter(dim, index, src|value): x with x[index[i][j]][j] = src[i][j] along dim");
const SCATTER_ADD = scatterOp("scatter_add", "scatter_add(dim, index, src): x with src[i][j] added at x[index[i][j]][j] along dim");

/** torch.scatter(input, dim, index, src | value): a copy of `x` with `src` (or `value`) written at `index` along `dim`. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const d = normalizeDim(dim, x.dim(), "scatter", x.shape);
  const tensorSrc = typeof src === "number" ? null : src;
  checkIndexShape("scatter", x, d, index, tensorSrc);
  return apply(SCATTER, [x, index, tensorSrc], { dim: d, value: typeof src === "number" ? src : null });
}

/** torch.scatter_add(input, dim, index, src): a copy of `x` with `src` added at `index` along `dim` (repeats add up). */
export function scatter_add(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, x.dim(), "scatter_add", x.shape);
  checkIndexShape("scatter_add", x, d, index, src);
  return apply(SCATTER_ADD, [x, index, src], { dim: d, value: null });
}

const INDEX_SELECT = defineOp<DimAttrs>({
  name: "index_select",
  summary: "index_select(dim, index): the slices of x at the 1-D index along dim",
  kernel: ([x, index], { dim }) => {
    const t = x as tf.Tensor;
    const idx = index as tf.Tensor;
    checkRange("index_select", idx, t.shape[dim] ?? 1, dim, [t.shape, idx.shape]);
    return tf.gather(t, tf.reshape(idx, [-1]), dim);
  },
  onnx: {
    ops: ["Gather"],
    emit: (ctx) => {
      // A 0-d index keeps the dim (as a 1-element one), unlike ONNX's Gather with a scalar.
      const idx = ctx.type(1).shape.length === 0 ? ctx.op("Reshape", [index64(ctx, 1), ctx.int64([1])]) : index64(ctx, 1);
      return ctx.op("Gather", [ctx.input(0), idx], { axis: ctx.attrs.dim });
    },
  },
  flops: none,
  effect: "pure",
});

/** torch.index_select(input, dim, index): the slices at a 1-D int64 index along `dim`. */
export function index_select(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.dim(), "index_select", x.shape);
  if (index.dtype !== "int32") throw new OpError("index_select", [x.shape, index.shape], `index_select(): Expected dtype int64 for index, got ${index.dtype}`);
  if (index.dim() > 1) throw new OpError("index_select", [x.shape, index.shape], "index_select(): Index is supposed to be a vector");
  return apply(INDEX_SELECT, [x, index], { dim: d });
}

/**
 * torch.take_along_dim(input, indices, dim): gather after broadcasting input and indices in every
 * dim but `dim`; without a dim, both are flattened first.
 */
export function take_along_dim(x: Tensor, indices: Tensor, dimArg?: number | null | { dim?: number | null }): Tensor {
  const dim = typeof dimArg === "object" && dimArg !== null ? dimArg.dim : dimArg;
  if (dim === undefined || dim === null) return gather(flatten(x), 0, flatten(indices));
  const d = normalizeDim(dim, x.dim(), "take_along_dim", x.shape);
  if (indices.dim() !== x.dim()) {
    throw new OpError("take_along_dim", [x.shape, indices.shape], `torch.take_along_dim(): input and indices should have the same number of dimensions, but input has ${x.dim()} dimensions and indices has ${indices.dim()} dimensions`);
  }
  const drop = (s: readonly number[]) => s.filter((_, k) => k !== d);
  const common = broadcastShapes("take_along_dim", drop(x.shape), drop(indices.shape));
  const withDim = (n: number) => [...common.slice(0, d), n, ...common.slice(d)];
  const fit = (t: Tensor, shape: number[]) => (shape.every((n, k) => n === t.shape[k]) ? t : expand(t, shape));
  return gather(fit(x, withDim(x.shape[d] as number)), d, fit(indices, withDim(indices.shape[d] as number)));
}
