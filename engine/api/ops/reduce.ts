import * as tf from "@tensorflow/tfjs-core";
import { op, opMulti } from "../../eager/dispatch";
import { normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";

export type Dims = number | readonly number[] | null | undefined;

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function axes(name: string, x: Tensor, dim: Dims): number[] | null {
  if (dim === null || dim === undefined) return null;
  const list = typeof dim === "number" ? [dim] : dim;
  return list.map((d) => normalizeDim(d, x.dim(), name, x.shape));
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const ax = axes("sum", x, dim);
  // PyTorch sums bools and ints as integers; tfjs casts bool to int32 the same way.
  return op("sum", [x], { dim: ax, keepdim }, () => tf.sum(x.raw, ax ?? undefined, keepdim));
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const ax = axes("mean", x, dim);
  return op("mean", [x], { dim: ax, keepdim }, () => tf.mean(castRaw(x.raw, "float32"), ax ?? undefined, keepdim));
}

type Extreme = "max" | "min";

/** Full reduction: the largest (smallest) element as a 0-d tensor. */
export function extreme(name: Extreme, x: Tensor): Tensor {
  const kernel = name === "max" ? tf.max : tf.min;
  return op(name, [x], {}, () => kernel(x.raw));
}

/** max(dim)/min(dim): PyTorch's (values, indices) named tuple. */
export function extremeAlong(name: Extreme, x: Tensor, dim: number, keepdim = false): ValuesIndices {
  const d = normalizeDim(dim, x.dim(), name, x.shape);
  const [values, indices] = opMulti(name, [x], { dim: d, keepdim }, () => {
    const v = (name === "max" ? tf.max : tf.min)(x.raw, d, keepdim);
    let i = (name === "max" ? tf.argMax : tf.argMin)(x.raw, d);
    if (keepdim) i = tf.expandDims(i, d);
    return [v, i];
  });
  return { values: values as Tensor, indices: indices as Tensor };
}

export function argExtreme(name: "argmax" | "argmin", x: Tensor, dim?: number | null, keepdim = false): Tensor {
  const kernel = name === "argmax" ? tf.argMax : tf.argMin;
  if (dim === null || dim === undefined) {
    // Without a dim PyTorch returns the index into the flattened tensor.
    return op(name, [x], { dim: null, keepdim }, () => {
      const flat = kernel(tf.reshape(x.raw, [-1]), 0);
      return keepdim ? tf.reshape(flat, x.shape.map(() => 1)) : flat;
    });
  }
  const d = normalizeDim(dim, x.dim(), name, x.shape);
  return op(name, [x], { dim: d, keepdim }, () => {
    const i = kernel(x.raw, d);
    return keepdim ? tf.expandDims(i, d) : i;
  });
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

export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim(), "softmax", x.shape);
  return op("softmax", [x], { dim: d }, () => alongLastAxis(castRaw(x.raw, "float32"), d, (t) => tf.softmax(t)));
}

export function log_softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim(), "log_softmax", x.shape);
  return op("log_softmax", [x], { dim: d }, () =>
    alongLastAxis(castRaw(x.raw, "float32"), d, (t) => tf.logSoftmax(t)),
  );
}
