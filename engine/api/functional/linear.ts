import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { defineOp } from "../../eager/registry";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";

export type Activation = "linear" | "relu" | "sigmoid" | "elu" | "relu6";

/**
 * y = x W^T + b. The kernel gets W as [in, out] (layouts): tfjs-wasm's matMul is ~4x slower with
 * transposeB, and fused with a bias it returns wrong numbers. `activation` is set by the graph
 * fusion pass; eager calls leave it "linear".
 */
export const LINEAR = defineOp({
  name: "linear",
  layouts: { 1: [1, 0] },
  kernel: ([x, wT, bias], attrs) => {
    const w = wT as tf.Tensor2D;
    const [inFeatures, outFeatures] = w.shape;
    const input = x as tf.Tensor;
    const rows = tf.reshape(castRaw(input, "float32"), [-1, inFeatures]);
    const activation = (attrs.activation as Activation | undefined) ?? "linear";
    const y = tf.fused.matMul({ a: rows, b: w, bias: bias ?? undefined, activation });
    return tf.reshape(y, [...input.shape.slice(0, -1), outFeatures]);
  },
});

/** F.linear: y = x W^T + b, with W of shape [out_features, in_features] as in PyTorch. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.dim() !== 2) throw new OpError("linear", [x.rawShape, weight.rawShape], "weight must be 2-D [out_features, in_features]");
  const [outFeatures, inFeatures] = weight.rawShape as [number, number];
  const features = x.rawShape[x.dim() - 1];
  if (features !== inFeatures) {
    throw new OpError(
      "linear",
      [x.rawShape, weight.rawShape],
      `input has ${features ?? "no"} features in its last dim but the layer expects ${inFeatures} (weight is [out_features=${outFeatures}, in_features=${inFeatures}])`,
    );
  }
  if (bias && (bias.dim() !== 1 || bias.rawShape[0] !== outFeatures)) {
    throw new OpError("linear", [x.rawShape, weight.rawShape, bias.rawShape], `bias must have shape [${outFeatures}]`);
  }
  return apply(LINEAR, [x, weight, bias], { activation: "linear" });
}
