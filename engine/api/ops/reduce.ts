import * as tf from "@tensorflow/tfjs-core";
import { apply, applyMulti } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { perOutput, reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";

export type Dims = number | readonly number[] | null | undefined;

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

export function axes(name: string, x: Tensor, dim: Dims): number[] | null {
  if (dim === null || dim === undefined) return null;
  const list = typeof dim === "number" ? [dim] : dim;
  return list.map((d) => normalizeDim(d, x.dim(), name, x.rawShape));
}

export type Attrs = { dim: number[] | null; keepdim: boolean };

/** ONNX's Reduce* over `dim` (all dims when null); opset 13 moved only ReduceSum's axes to an input. */
export function emitReduce(ctx: EmitContext<Attrs>, onnx: string, input: string): string {
  const axes = ctx.attrs.dim ?? [...ctx.type(0).shape.keys()];
  const keepdims = ctx.attrs.keepdim ? 1 : 0;
  if (onnx === "ReduceSum") return ctx.op(onnx, [input, ctx.int64(axes)], { keepdims });
  return ctx.op(onnx, [input], { axes, keepdims });
}

// PyTorch sums bools and ints as integers; tfjs casts bool to int32 the same way.
const SUM = defineOp<Attrs>({
  name: "sum",
  summary: "sum over dim (all dims when none), keepdim",
  kernel: ([x], a) => tf.sum(x as tf.Tensor, a.dim ?? undefined, a.keepdim),
  onnx: { ops: ["ReduceSum"], emit: (ctx) => emitReduce(ctx, "ReduceSum", ctx.type(0).dtype === "bool" ? ctx.cast(0, "int32") : ctx.input(0)) },
  flops: reduction,
  effect: "pure",
});
const MEAN = defineOp<Attrs>({
  name: "mean",
  summary: "mean over dim (all dims when none), keepdim",
  kernel: ([x], a) => tf.mean(castRaw(x as tf.Tensor, "float32"), a.dim ?? undefined, a.keepdim),
  onnx: { ops: ["ReduceMean"], emit: (ctx) => emitReduce(ctx, "ReduceMean", ctx.cast(0, "float32")) },
  flops: reduction,
  effect: "pure",
});

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(SUM, [x], { dim: axes("sum", x, dim), keepdim });
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(MEAN, [x], { dim: axes("mean", x, dim), keepdim });
}

type Extreme = "max" | "min";

type NoAttrs = Record<string, never>;

function fullExtreme(name: Extreme) {
  const onnx = name === "max" ? "ReduceMax" : "ReduceMin";
  return defineOp<NoAttrs>({
    name,
    summary: `the ${name === "max" ? "largest" : "smallest"} element, as a 0-d tensor`,
    kernel: ([x]) => (name === "max" ? tf.max : tf.min)(x as tf.Tensor),
    onnx: { ops: [onnx], emit: (ctx) => ctx.op(onnx, [ctx.input(0)], { keepdims: 0 }) },
    flops: reduction,
    effect: "pure",
  });
}
const FULL = { max: fullExtreme("max"), min: fullExtreme("min") };

// ONNX's indices are int64, Tandem's int32.
const int32 = (ctx: EmitContext<AlongAttrs> | EmitContext<ArgAttrs>, v: string) => ctx.castValue(v, "int32");
type AlongAttrs = { dim: number; keepdim: boolean };

function alongDim(name: Extreme) {
  const [reduceOp, argOp] = name === "max" ? ["ReduceMax", "ArgMax"] : ["ReduceMin", "ArgMin"];
  return defineOp<AlongAttrs>({
    name: `${name}_dim`,
    summary: `${name}(dim): values and indices along dim`,
    kernel: ([x], { dim, keepdim }) => {
      const t = x as tf.Tensor;
      const values = (name === "max" ? tf.max : tf.min)(t, dim, keepdim);
      const indices = (name === "max" ? tf.argMax : tf.argMin)(t, dim);
      return [values, keepdim ? tf.expandDims(indices, dim) : indices];
    },
    onnx: {
      ops: [reduceOp, argOp],
      emit: (ctx) => {
        const { dim, keepdim } = ctx.attrs;
        const keepdims = keepdim ? 1 : 0;
        return [ctx.op(reduceOp, [ctx.input(0)], { axes: [dim], keepdims }), int32(ctx, ctx.op(argOp, [ctx.input(0)], { axis: dim, keepdims }))];
      },
    },
    flops: reduction,
    effect: "pure",
  });
}
const ALONG = { max: alongDim("max"), min: alongDim("min") };

/** Full reduction: the largest (smallest) element as a 0-d tensor. */
export function extreme(name: Extreme, x: Tensor): Tensor {
  return apply(FULL[name], [x], {});
}

/** max(dim)/min(dim): PyTorch's (values, indices) named tuple. */
export function extremeAlong(name: Extreme, x: Tensor, dim: number, keepdim = false): ValuesIndices {
  const d = normalizeDim(dim, x.dim(), name, x.rawShape);
  const [values, indices] = applyMulti(ALONG[name], [x], { dim: d, keepdim });
  return { values: values as Tensor, indices: indices as Tensor };
}

type ArgAttrs = { dim: number | null; keepdim: boolean };

function argOp(name: "argmax" | "argmin") {
  const kernel = name === "argmax" ? tf.argMax : tf.argMin;
  const onnx = name === "argmax" ? "ArgMax" : "ArgMin";
  return defineOp<ArgAttrs>({
    name,
    summary: `index of the ${name === "argmax" ? "largest" : "smallest"} element along dim (of the flattened tensor when none)`,
    kernel: ([x], { dim, keepdim }) => {
      const t = x as tf.Tensor;
      // Without a dim PyTorch returns the index into the flattened tensor.
      if (dim === null) {
        const flat = kernel(tf.reshape(t, [-1]), 0);
        return keepdim ? tf.reshape(flat, t.shape.map(() => 1)) : flat;
      }
      const i = kernel(t, dim);
      return keepdim ? tf.expandDims(i, dim) : i;
    },
    onnx: {
      ops: [onnx],
      emit: (ctx) => {
        const { dim, keepdim } = ctx.attrs;
        const keepdims = keepdim ? 1 : 0;
        if (dim === null) {
          const flat = ctx.op("Reshape", [ctx.input(0), ctx.int64([-1])]);
          const idx = int32(ctx, ctx.op(onnx, [flat], { axis: 0, keepdims: 0 }));
          return keepdims ? ctx.op("Reshape", [idx, ctx.int64(ctx.out.shape)]) : idx;
        }
        return int32(ctx, ctx.op(onnx, [ctx.input(0)], { axis: dim, keepdims }));
      },
    },
    flops: reduction,
    effect: "pure",
  });
}
const ARG = { argmax: argOp("argmax"), argmin: argOp("argmin") };

export function argExtreme(name: "argmax" | "argmin", x: Tensor, dim?: number | null, keepdim = false): Tensor {
  const d = dim === null || dim === undefined ? null : normalizeDim(dim, x.dim(), name, x.rawShape);
  return apply(ARG[name], [x], { dim: d, keepdim });
}

/** Moves `dim` last, applies a last-axis kernel, moves it back: tfjs's softmax only works on the last axis. */
function alongLastAxis(x: tf.Tensor, dim: number, kernel: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const last = x.rank - 1;
  if (dim === last) return kernel(x);
  const perm = [...Array(x.rank).keys()];
  perm[dim] = last;
  perm[last] = dim;
  return tf.transpose(kernel(tf.transpose(x, perm)), perm);
}

type DimAttrs = { dim: number };

function softmaxOp(name: "softmax" | "log_softmax") {
  const onnx = name === "softmax" ? "Softmax" : "LogSoftmax";
  const fn = name === "softmax" ? (t: tf.Tensor) => tf.softmax(t) : (t: tf.Tensor) => tf.logSoftmax(t);
  return defineOp<DimAttrs>({
    name,
    summary: name === "softmax" ? "softmax along dim" : "log of softmax along dim, computed stably",
    kernel: ([x], a) => alongLastAxis(castRaw(x as tf.Tensor, "float32"), a.dim, fn),
    onnx: { ops: [onnx], emit: (ctx) => ctx.op(onnx, [ctx.cast(0, "float32")], { axis: ctx.attrs.dim }) },
    // max, exp, normalise
    flops: perOutput(3),
    effect: "pure",
  });
}
const SOFTMAX = softmaxOp("softmax");
const LOG_SOFTMAX = softmaxOp("log_softmax");

export function softmax(x: Tensor, dim: number): Tensor {
  return apply(SOFTMAX, [x], { dim: normalizeDim(dim, x.dim(), "softmax", x.rawShape) });
}

export function log_softmax(x: Tensor, dim: number): Tensor {
  return apply(LOG_SOFTMAX, [x], { dim: normalizeDim(dim, x.dim(), "log_softmax", x.rawShape) });
}
