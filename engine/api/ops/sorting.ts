/** torch.topk, sort and argsort: values and int indices along a dim, one ONNX TopK each. */
import * as tf from "@tensorflow/tfjs-core";
import { applyMulti } from "../../eager/dispatch";
import { reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError, normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import type { ValuesIndices } from "./reduce";

type TopkAttrs = { k: number; dim: number; largest: boolean };

/** Moves `dim` last for tfjs's last-axis topk, and back. */
function topkAlong(x: tf.Tensor, { k, dim, largest }: TopkAttrs): tf.Tensor[] {
  const last = x.rank - 1;
  const perm = [...Array(x.rank).keys()];
  [perm[dim], perm[last]] = [last, dim];
  const moved = dim === last ? x : tf.transpose(x, perm);
  // The smallest k are the largest of -x (ints stay ints).
  const { values, indices } = tf.topk(largest ? moved : tf.neg(moved), k, true);
  const vals = largest ? values : tf.neg(values);
  return dim === last ? [vals, indices] : [tf.transpose(vals, perm), tf.transpose(indices, perm)];
}

const TOPK = defineOp<TopkAttrs>({
  name: "topk",
  summary: "the k largest (or smallest) values along dim, sorted, with their indices",
  kernel: ([x], a) => topkAlong(x as tf.Tensor, a),
  onnx: {
    ops: ["TopK"],
    emit: (ctx) => {
      const [values, indices] = ctx.b.node("TopK", [ctx.input(0), ctx.int64([ctx.attrs.k])], 2, { axis: ctx.attrs.dim, largest: ctx.attrs.largest ? 1 : 0, sorted: 1 }) as [string, string];
      return [values, ctx.castValue(indices, "int32")];
    },
  },
  flops: reduction,
  effect: "pure",
});

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** torch.topk(x, k, dim=-1, largest=True, sorted=True): always sorted here (tfjs sorts). */
export function topk(x: Tensor, k: number, options: TopkOptions | number = {}): ValuesIndices {
  const o = typeof options === "number" ? { dim: options } : options;
  const dim = normalizeDim(o.dim ?? -1, Math.max(1, x.dim()), "topk", x.shape);
  const size = x.dim() === 0 ? 1 : (x.shape[dim] as number);
  if (!Number.isInteger(k) || k < 0 || k > size) throw new OpError("topk", [x.shape], `selected index k (${k}) out of range for dimension ${dim} of size ${size}`);
  const [values, indices] = applyMulti(TOPK, [x], { k, dim, largest: o.largest ?? true });
  return { values: values as Tensor, indices: indices as Tensor };
}

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

/** torch.sort(x, dim=-1, descending=False): all values along dim, in order, with indices. */
export function sort(x: Tensor, options: SortOptions | number = {}): ValuesIndices {
  const o = typeof options === "number" ? { dim: options } : options;
  const dim = normalizeDim(o.dim ?? -1, Math.max(1, x.dim()), "sort", x.shape);
  return topk(x, x.dim() === 0 ? 1 : (x.shape[dim] as number), { dim, largest: o.descending ?? false });
}

/** torch.argsort(x, dim=-1, descending=False): the indices that sort x along dim. */
export function argsort(x: Tensor, options: SortOptions | number = {}): Tensor {
  return sort(x, options).indices;
}

