import * as tf from "@tensorflow/tfjs-core";
import { op } from "../../eager/dispatch";
import { ApiError } from "../errors";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";

export interface DropoutOptions {
  p?: number;
  /** Tandem runs inference, so dropout is the identity unless training is asked for explicitly. */
  training?: boolean;
}

export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  const { p = 0.5, training = false } = options;
  if (!(p >= 0 && p <= 1)) throw new ApiError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  return op("dropout", [x], { p }, () => {
    const keep = tf.tensor(defaultGenerator().uniform(x.numel()), x.shape);
    const mask = tf.cast(tf.greaterEqual(keep, p), "float32");
    return p === 1 ? tf.zerosLike(x.raw) : tf.div(tf.mul(x.raw, mask), 1 - p);
  });
}
