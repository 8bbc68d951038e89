import * as tf from "@tensorflow/tfjs-core";
import type { DType } from "../dtype";

/** Casts only when needed: tf.cast always allocates. */
export function castRaw(t: tf.Tensor, dtype: DType): tf.Tensor {
  if (t.dtype === dtype) return t;
  // tfjs casts -2.0 to false; PyTorch calls every nonzero true.
  return dtype === "bool" ? tf.notEqual(t, 0) : tf.cast(t, dtype);
}
