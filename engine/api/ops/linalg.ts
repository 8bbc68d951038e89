import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import type { DType } from "../dtype";
import { promoteTypes } from "../dtype";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";

/**
 * torch.matmul: dot for 1-D x 1-D, matrix-vector when one side is 1-D, and batched matrix products
 * whose batch dims broadcast. `b` arrives in [.., k, n] layout: callers that own a weight keep it
 * pre-transposed, since tfjs-wasm is slower (and fused with a bias, wrong) with transposeB.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const as = a.rawShape;
  const bs = b.rawShape;
  if (as.length === 0 || bs.length === 0) {
    throw new OpError("matmul", [as, bs], "both arguments to matmul need to be at least 1D");
  }
  const k1 = as[as.length - 1] as number;
  const k2 = (bs.length === 1 ? bs[0] : bs[bs.length - 2]) as number;
  if (k1 !== k2) {
    throw new OpError("matmul", [as, bs], `inner dimensions differ: ${k1} (last dim of the first) vs ${k2}`);
  }
  broadcastShapes("matmul", as.slice(0, -2), bs.slice(0, -2));
  return apply(MATMUL, [a, b], { dtype: promoteTypes(a.dtype, b.dtype) });
}

const MATMUL = defineOp<{ dtype: DType }>({
  name: "matmul",
  summary: "matrix product with PyTorch's 1-D and batch broadcasting rules",
  kernel: ([ra, rb], attrs) => {
    const dtype = attrs.dtype;
    let x = castRaw(ra as tf.Tensor, dtype);
    let y = castRaw(rb as tf.Tensor, dtype);
    const as = x.shape;
    const bs = y.shape;
    const k1 = as[as.length - 1] as number;
    const k2 = (bs.length === 1 ? bs[0] : bs[bs.length - 2]) as number;
    const batch = broadcastShapes("matmul", as.slice(0, -2), bs.slice(0, -2));
    const vecA = as.length === 1;
    const vecB = bs.length === 1;
    if (vecA) x = tf.reshape(x, [1, k1]);
    if (vecB) y = tf.reshape(y, [k2, 1]);
    const m = x.shape[x.rank - 2] as number;
    const n = y.shape[y.rank - 1] as number;
    let out: tf.Tensor;
    if (y.rank === 2) {
      // [.., m, k] x [k, n]: one 2-D product over all rows, the fast path for Linear layers.
      out = tf.reshape(tf.matMul(tf.reshape(x, [-1, k1]), y), [...batch, m, n]);
    } else {
      const bx = tf.broadcastTo(x, [...batch, m, k1]);
      const by = tf.broadcastTo(y, [...batch, k2, n]);
      const flat = tf.matMul(tf.reshape(bx, [-1, m, k1]), tf.reshape(by, [-1, k2, n]));
      out = tf.reshape(flat, [...batch, m, n]);
    }
    const shape = [...batch, ...(vecA ? [] : [m]), ...(vecB ? [] : [n])];
    return shape.length === out.rank ? out : tf.reshape(out, shape);
  },
  onnx: {
    ops: ["MatMul"],
    emit: (ctx) => {
      const dtype = ctx.attrs.dtype;
      return ctx.op("MatMul", dtype === "float32" ? [ctx.cast(0, dtype), ctx.cast(1, dtype)] : [ctx.input(0), ctx.input(1)]);
    },
  },
  // 2 per multiply-accumulate: each output element sums K products.
  flops: ({ inputs, outputs }) => 2 * numel(outputs[0]?.shape ?? []) * ((inputs[0]?.shape.at(-1) ?? 1) as number),
  effect: "pure",
});
