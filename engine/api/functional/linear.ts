import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel, shapeOf } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { activationFlops, emitActivation } from "./activation-fusion";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "../ops/cast";

export type Activation = "linear" | "relu" | "sigmoid" | "elu" | "relu6";

/**
 * y = x W^T + b. The kernel gets W as [in, out] (layouts): tfjs-wasm's matMul is ~4x slower with
 * transposeB, and fused with a bias it returns wrong numbers. `activation` is set by the graph
 * fusion pass; eager calls leave it "linear".
 */
export const LINEAR = defineOp<{ activation: Activation }>({
  name: "linear",
  summary: "x W^T + b (nn.Linear), optionally with a fused activation",
  layouts: { 1: [1, 0] },
  takesActivation: true,
  kernel: ([x, wT, bias], attrs) => {
    const w = wT as tf.Tensor2D;
    const [inFeatures, outFeatures] = w.shape;
    const input = x as tf.Tensor;
    const rows = tf.reshape(castRaw(input, "float32"), [-1, inFeatures]);
    const y = tf.fused.matMul({ a: rows, b: w, bias: bias ?? undefined, activation: attrs.activation });
    return tf.reshape(y, [...input.shape.slice(0, -1), outFeatures]);
  },
  onnx: {
    ops: ["Gemm", "FusedGemm", "MatMul", "Transpose", "Add"],
    emit: (ctx) => {
      // Parameters are written in PyTorch's layout, W [out, in]: Gemm reads it with transB.
      if (ctx.type(0).shape.length === 2) return emitActivation(ctx, ctx.op("Gemm", [ctx.input(0), ctx.input(1), ctx.input(2)], { transB: 1 }));
      const y = ctx.op("MatMul", [ctx.input(0), ctx.op("Transpose", [ctx.input(1)], { perm: [1, 0] })]);
      return emitActivation(ctx, ctx.has(2) ? ctx.op("Add", [y, ctx.input(2)]) : y);
    },
  },
  // x [..., K] · W[N, K]ᵀ: 2·M·N·K, + M·N for a bias, + M·N for a fused activation.
  flops: (call) => {
    const out = numel(call.outputs[0]?.shape ?? []);
    return 2 * out * (shapeOf(call, 1)[1] ?? 0) + (call.inputs[2] ? out : 0) + activationFlops(call);
  },
  effect: "pure",
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
