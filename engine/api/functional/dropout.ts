import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { elementwise } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError } from "../errors";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";

export interface DropoutOptions {
  p?: number;
  /** Tandem runs inference, so dropout is the identity unless training is asked for explicitly. */
  training?: boolean;
  /** Accepted as in PyTorch; the result is returned as a new tensor (see functional/inplace.ts). */
  inplace?: boolean;
}

export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  const { p = 0.5, training = false } = options;
  if (!(p >= 0 && p <= 1)) throw new ApiError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  return apply(DROPOUT, [x], { p });
}

const DROPOUT = defineOp<{ p: number }>({
  name: "dropout",
  summary: "zeroes elements with probability p and scales the rest by 1 / (1 - p) (training only)",
  kernel: ([x], attrs) => {
    const t = x as tf.Tensor;
    const p = attrs.p;
    const keep = tf.tensor(defaultGenerator().uniform(t.size), t.shape);
    const mask = tf.cast(tf.greaterEqual(keep, p), "float32");
    return p === 1 ? tf.zerosLike(t) : tf.div(tf.mul(t, mask), 1 - p);
  },
  onnx: { unsupported: "dropout with training=true is random; export models in eval mode" },
  flops: elementwise,
  effect: "random",
});
