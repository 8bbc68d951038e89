import type { EmitContext } from "../../ops/emit-context";
import type { OpAttrs } from "../../ops/record";

/** A boolean mask made additive: `blocked` says which boolean value means "may not attend". */
export function additiveMask<A extends OpAttrs>(ctx: EmitContext<A>, i: number, blocked: boolean): string {
  if (ctx.type(i).dtype !== "bool") return ctx.input(i);
  const [zero, inf] = [ctx.scalar(0), ctx.scalar(-Infinity)];
  return ctx.op("Where", [ctx.input(i), blocked ? inf : zero, blocked ? zero : inf]);
}

function swapLast<A extends OpAttrs>(ctx: EmitContext<A>, v: string, rank: number): string {
  const perm = [...Array(rank).keys()];
  [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
  return ctx.op("Transpose", [v], { perm });
}

/** softmax(q kᵀ · scale + mask) v, the same formula as the eager kernel, in ONNX ops. */
export function emitAttention<A extends OpAttrs>(ctx: EmitContext<A>, q: string, k: string, v: string, rank: number, scale: number, mask: string | null): { out: string; weights: string } {
  let scores = ctx.op("Mul", [ctx.op("MatMul", [q, swapLast(ctx, k, rank)]), ctx.scalar(scale)]);
  if (mask) scores = ctx.op("Add", [scores, mask]);
  const weights = ctx.op("Softmax", [scores], { axis: -1 });
  return { out: ctx.op("MatMul", [weights, v]), weights };
}

/** 2·B·L·S·E (q kᵀ) + 2·B·L·S·Ev (· v) + 3·B·L·S (softmax). */
export function attentionFlops(batch: number, l: number, s: number, e: number, ev: number): number {
  return 2 * batch * l * s * e + 2 * batch * l * s * ev + 3 * batch * l * s;
}

export const ATTENTION_ONNX_OPS = ["MatMul", "Softmax", "Mul", "Add", "Transpose", "Where"] as const;
