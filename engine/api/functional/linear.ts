import * as tf from "@tensorflow/tfjs-core";
import { op } from "../../eager/dispatch";
import { OpError } from "../errors";
import { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";

/** Weight [out, in] -> [in, out] for tfjs's matMul, kept that way when the weight is a Parameter. */
function kernelWeight(weight: Tensor): tf.Tensor {
  return weight instanceof Parameter ? weight.kernel([1, 0]) : tf.transpose(weight.raw);
}

/** F.linear: y = x W^T + b, with W of shape [out_features, in_features] as in PyTorch. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.dim() !== 2) throw new OpError("linear", [x.shape, weight.shape], "weight must be 2-D [out_features, in_features]");
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const features = x.shape[x.dim() - 1];
  if (features !== inFeatures) {
    throw new OpError(
      "linear",
      [x.shape, weight.shape],
      `input has ${features ?? "no"} features in its last dim but the layer expects ${inFeatures} (weight is [out_features=${outFeatures}, in_features=${inFeatures}])`,
    );
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== outFeatures)) {
    throw new OpError("linear", [x.shape, weight.shape, bias.shape], `bias must have shape [${outFeatures}]`);
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return op("linear", inputs, {}, () => {
    const rows = tf.reshape(castRaw(x.raw, "float32"), [-1, inFeatures]);
    const y = tf.fused.matMul({ a: rows, b: kernelWeight(weight), bias: bias?.raw });
    return tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
  });
}
