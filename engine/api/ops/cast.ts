import * as tf from "@tensorflow/tfjs-core";
import type { DType } from "../dtype";

/** Casts only when needed: tf.cast always allocates. */
export function castRaw(t: tf.Tensor, dtype: DType): tf.Tensor {
  return t.dtype === dtype ? t : tf.cast(t, dtype);
}
