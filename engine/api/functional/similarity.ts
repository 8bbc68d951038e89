/** F.cosine_similarity and F.one_hot. */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import { div, maximum, mul, sqrt } from "../ops/elementwise";
import { sum } from "../ops/reduce";
import type { Tensor } from "../tensor";

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

/** x1·x2 / max(‖x1‖·‖x2‖, eps) along dim, broadcasting x1 against x2, as torch 1.13 documents it. */
export function cosine_similarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const { dim = 1, eps = 1e-8 } = options;
  const dot = sum(mul(x1, x2), dim);
  const norms = mul(sum(mul(x1, x1), dim), sum(mul(x2, x2), dim));
  return div(dot, maximum(sqrt(norms), eps));
}

const ONE_HOT = defineOp<{ num_classes: number }>({
  name: "one_hot",
  summary: "integer classes as one-hot rows of num_classes (a new last dim)",
  kernel: ([x], a) => tf.oneHot(tf.cast(x as tf.Tensor, "int32"), a.num_classes, 1, 0, "int32"),
  onnx: {
    ops: ["OneHot", "Cast"],
    // onnxruntime implements OneHot for int64 indices, depth and values, not Tandem's int32.
    emit: (ctx) => {
      const values = ctx.b.constant(undefined, "int64", [2], BigInt64Array.of(0n, 1n));
      const indices = ctx.op("Cast", [ctx.input(0)], { to: 7 });
      return ctx.castValue(ctx.op("OneHot", [indices, ctx.scalar(ctx.attrs.num_classes, "int64"), values], { axis: -1 }), "int32");
    },
  },
  flops: none,
  effect: "pure",
});

/**
 * F.one_hot(tensor, num_classes=-1). With -1 the count is the largest class plus one, which reads
 * the tensor's values (a graph break when tracing, as in torch.compile); pass num_classes to avoid it.
 */
export function one_hot(x: Tensor, numClasses = -1): Tensor {
  if (x.dtype !== "int32") throw new OpError("one_hot", [x.shape], `one_hot is only applicable to index tensors (int64), got ${x.dtype}`);
  if (numClasses !== -1) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new OpError("one_hot", [x.shape], `num_classes must be a positive integer or -1, got ${numClasses}`);
    return apply(ONE_HOT, [x], { num_classes: numClasses });
  }
  const flat = [x.toArray() as unknown].flat(Infinity) as number[];
  if (flat.some((v) => v < 0)) throw new OpError("one_hot", [x.shape], "Class values must be non-negative.");
  return apply(ONE_HOT, [x], { num_classes: Math.max(-1, ...flat) + 1 });
}
