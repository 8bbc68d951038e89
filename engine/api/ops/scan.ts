/** Running sums and products along a dim: torch.cumsum and torch.cumprod. */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { elementwise } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { normalizeDim } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";

type ScanAttrs = { dim: number };

// PyTorch accumulates bools and ints as integers (int64; int32 here).
const numeric = (x: tf.Tensor | null | undefined) => ((x as tf.Tensor).dtype === "bool" ? castRaw(x as tf.Tensor, "int32") : (x as tf.Tensor));

const CUMSUM = defineOp<ScanAttrs>({
  name: "cumsum",
  summary: "running sum along dim",
  kernel: ([x], a) => tf.cumsum(numeric(x), a.dim),
  onnx: {
    ops: ["CumSum"],
    emit: (ctx) => ctx.op("CumSum", [ctx.type(0).dtype === "bool" ? ctx.cast(0, "int32") : ctx.input(0), ctx.scalar(ctx.attrs.dim, "int64")]),
  },
  flops: elementwise,
  effect: "pure",
});

const CUMPROD = defineOp<ScanAttrs>({
  name: "cumprod",
  summary: "running product along dim",
  kernel: ([x], a) => tf.cumprod(numeric(x), a.dim),
  // ONNX has no CumProd: the running product, one Mul per step along the dim, joined again.
  onnx: {
    ops: ["Mul", "Slice", "Concat"],
    emit: (ctx) => {
      const dim = ctx.attrs.dim;
      const n = ctx.type(0).shape[dim] as number;
      if (n > 256) ctx.unsupported(`cumprod along a dim of ${n} elements would unroll into ${n} ONNX nodes`);
      const x = ctx.type(0).dtype === "bool" ? ctx.cast(0, "int32") : ctx.input(0);
      const steps: string[] = [];
      for (let i = 0; i < n; i++) {
        const slice = ctx.op("Slice", [x, ctx.int64([i]), ctx.int64([i + 1]), ctx.int64([dim])]);
        steps.push(i === 0 ? slice : ctx.op("Mul", [steps[i - 1] as string, slice]));
      }
      return steps.length === 1 ? (steps[0] as string) : ctx.op("Concat", steps, { axis: dim });
    },
  },
  flops: elementwise,
  effect: "pure",
});

export function cumsum(x: Tensor, dim: number): Tensor {
  return apply(CUMSUM, [x], { dim: normalizeDim(dim, x.dim(), "cumsum", x.shape) });
}

export function cumprod(x: Tensor, dim: number): Tensor {
  return apply(CUMPROD, [x], { dim: normalizeDim(dim, x.dim(), "cumprod", x.shape) });
}
