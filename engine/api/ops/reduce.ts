import * as tf from "@tensorflow/tfjs-core";
import { apply, applyMulti } from "../../eager/dispatch";
import { defineOp } from "../../eager/registry";
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
  return list.map((d) => normalizeDim(d, x.dim(), name, x.rawShape));
}

type Attrs = { dim: number[] | null; keepdim: boolean };

// PyTorch sums bools and ints as integers; tfjs casts bool to int32 the same way.
const SUM = defineOp({ name: "sum", kernel: ([x], a) => tf.sum(x as tf.Tensor, (a as Attrs).dim ?? undefined, (a as Attrs).keepdim) });
const MEAN = defineOp({
  name: "mean",
  kernel: ([x], a) => tf.mean(castRaw(x as tf.Tensor, "float32"), (a as Attrs).dim ?? undefined, (a as Attrs).keepdim),
});

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(SUM, [x], { dim: axes("sum", x, dim), keepdim });
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply(MEAN, [x], { dim: axes("mean", x, dim), keepdim });
}

type Extreme = "max" | "min";

const FULL = { max: defineOp({ name: "max", kernel: ([x]) => tf.max(x as tf.Tensor) }), min: defineOp({ name: "min", kernel: ([x]) => tf.min(x as tf.Tensor) }) };

function alongDim(name: Extreme) {
  return defineOp({
    name: `${name}_dim`,
    kernel: ([x], attrs) => {
      const { dim, keepdim } = attrs as { dim: number; keepdim: boolean };
      const t = x as tf.Tensor;
      const values = (name === "max" ? tf.max : tf.min)(t, dim, keepdim);
      const indices = (name === "max" ? tf.argMax : tf.argMin)(t, dim);
      return [values, keepdim ? tf.expandDims(indices, dim) : indices];
    },
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

function argOp(name: "argmax" | "argmin") {
  const kernel = name === "argmax" ? tf.argMax : tf.argMin;
  return defineOp({
    name,
    kernel: ([x], attrs) => {
      const { dim, keepdim } = attrs as { dim: number | null; keepdim: boolean };
      const t = x as tf.Tensor;
      // Without a dim PyTorch returns the index into the flattened tensor.
      if (dim === null) {
        const flat = kernel(tf.reshape(t, [-1]), 0);
        return keepdim ? tf.reshape(flat, t.shape.map(() => 1)) : flat;
      }
      const i = kernel(t, dim);
      return keepdim ? tf.expandDims(i, dim) : i;
    },
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

const SOFTMAX = defineOp({ name: "softmax", kernel: ([x], a) => alongLastAxis(castRaw(x as tf.Tensor, "float32"), a.dim as number, (t) => tf.softmax(t)) });
const LOG_SOFTMAX = defineOp({
  name: "log_softmax",
  kernel: ([x], a) => alongLastAxis(castRaw(x as tf.Tensor, "float32"), a.dim as number, (t) => tf.logSoftmax(t)),
});

export function softmax(x: Tensor, dim: number): Tensor {
  return apply(SOFTMAX, [x], { dim: normalizeDim(dim, x.dim(), "softmax", x.rawShape) });
}

export function log_softmax(x: Tensor, dim: number): Tensor {
  return apply(LOG_SOFTMAX, [x], { dim: normalizeDim(dim, x.dim(), "log_softmax", x.rawShape) });
}
