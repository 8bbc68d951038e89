import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { where } from "./elementwise";
import { toDType } from "./shape";

/**
 * torch.masked_fill(input, mask, value): `value` where the bool mask is true, broadcasting. A
 * composite of where: one kernel either way, and the value keeps the input's dtype (an int tensor
 * filled with 2.7 holds 2, as in PyTorch).
 */
export function masked_fill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  if (mask.dtype !== "bool") {
    throw new OpError("masked_fill", [x.shape, mask.shape], `masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  }
  if (typeof value === "object") {
    if (value.dim() !== 0) {
      throw new OpError("masked_fill", [x.shape, mask.shape], `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s)`);
    }
    return where(mask, toDType(value, x.dtype), x);
  }
  if (x.dtype === "bool") return toDType(where(mask, Number(value) !== 0 ? 1 : 0, x), "bool");
  return where(mask, x.dtype === "int32" ? Math.trunc(Number(value)) : Number(value), x);
}

type TriluAttrs = { diagonal: number };

/**
 * tril/triu keep x[..., i, j] where j - i <= diagonal (tril) or >= diagonal (triu), zeros
 * elsewhere: a select against zeros rather than a multiply, so -inf and NaN outside the band
 * become 0 as in PyTorch.
 */
function triluOp(name: "tril" | "triu", upper: boolean) {
  return defineOp<TriluAttrs>({
    name,
    summary: `${name}(diagonal=0): the ${upper ? "upper" : "lower"} triangle of the last two dims, zeros elsewhere`,
    kernel: ([x], { diagonal }) => {
      const t = x as tf.Tensor;
      const [m, n] = t.shape.slice(-2) as [number, number];
      const offset = tf.sub(tf.reshape(tf.range(0, n, 1, "int32"), [1, n]), tf.reshape(tf.range(0, m, 1, "int32"), [m, 1]));
      const keep = upper ? tf.greaterEqual(offset, diagonal) : tf.lessEqual(offset, diagonal);
      // tfjs-wasm's Select gives wrong values for bool operands (a later kernel even aborted): bools are an AND.
      if (t.dtype === "bool") return tf.logicalAnd(t, keep);
      return tf.where(tf.broadcastTo(keep, t.shape), t, tf.zerosLike(t));
    },
    onnx: {
      ops: ["Trilu"],
      emit: (ctx) => {
        // onnxruntime's Trilu has no int32 kernel; int64 holds every int32 exactly.
        const int = ctx.type(0).dtype === "int32";
        const x = int ? ctx.op("Cast", [ctx.input(0)], { to: 7 }) : ctx.input(0);
        const y = ctx.op("Trilu", [x, ctx.scalar(ctx.attrs.diagonal, "int64")], { upper: upper ? 1 : 0 });
        return int ? ctx.castValue(y, "int32") : y;
      },
    },
    flops: none,
    effect: "pure",
  });
}
const TRIL = triluOp("tril", false);
const TRIU = triluOp("triu", true);

/** `diagonal` positionally, as torch allows, or as the keyword ({ diagonal: 1 }). */
export type Diagonal = number | { diagonal?: number };

function trilu(name: "tril" | "triu", x: Tensor, diagonalArg: Diagonal): Tensor {
  const diagonal = typeof diagonalArg === "number" ? diagonalArg : (diagonalArg.diagonal ?? 0);
  if (x.dim() < 2) throw new OpError(name, [x.shape], `${name}: input tensor must have at least 2 dimensions`);
  if (!Number.isInteger(diagonal)) throw new OpError(name, [x.shape], `diagonal must be an integer, got ${diagonal}`);
  return apply(name === "tril" ? TRIL : TRIU, [x], { diagonal });
}

/** torch.tril(input, diagonal=0): the lower triangle (j - i <= diagonal) of the last two dims. */
export const tril = (x: Tensor, diagonal: Diagonal = 0): Tensor => trilu("tril", x, diagonal);
/** torch.triu(input, diagonal=0): the upper triangle (j - i >= diagonal) of the last two dims. */
export const triu = (x: Tensor, diagonal: Diagonal = 0): Tensor => trilu("triu", x, diagonal);
