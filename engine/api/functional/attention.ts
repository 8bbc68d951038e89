import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ATTENTION_ONNX_OPS, additiveMask as additiveOnnx, attentionFlops, emitAttention } from "./attention-onnx";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "../ops/broadcast";
import { castRaw } from "../ops/cast";

export interface AttentionOptions {
  /** Bool (true = may attend) or float (added to the scores), broadcastable to [..., L, S]. */
  attn_mask?: Tensor | null;
  dropout_p?: number;
  is_causal?: boolean;
  scale?: number | null;
}

/** Swaps the last two dims: K^T without tfjs-wasm's slow transposeB path. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = [...Array(t.rank).keys()];
  perm[t.rank - 1] = t.rank - 2;
  perm[t.rank - 2] = t.rank - 1;
  return tf.transpose(t, perm);
}

/** Batched matmul over identical leading dims, via 3-D tfjs matMul. */
function bmm(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const lead = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.rank - 1] as number;
  const out = tf.matMul(tf.reshape(a, [-1, m, k]), tf.reshape(b, [-1, k, n]));
  return tf.reshape(out, [...lead, m, n]);
}

/** @internal Boolean mask -> additive mask: 0 where attending is allowed, -inf elsewhere. */
export function additiveMask(mask: tf.Tensor): tf.Tensor {
  if (mask.dtype !== "bool") return castRaw(mask, "float32");
  return tf.where(mask, tf.zeros(mask.shape), tf.fill(mask.shape, -Infinity));
}

/** @internal Applies softmax(q k^T * scale + mask) v on raw tensors; shared with MultiheadAttention. */
export function attend(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | null, scale: number): { out: tf.Tensor; weights: tf.Tensor } {
  let scores = tf.mul(bmm(q, swapLast(k)), scale);
  if (mask) scores = tf.add(scores, mask);
  const weights = tf.softmax(scores);
  return { out: bmm(weights, v), weights };
}

function causalMask(l: number, s: number): tf.Tensor {
  const m = new Float32Array(l * s);
  for (let i = 0; i < l; i++) for (let j = i + 1; j < s; j++) m[i * s + j] = -Infinity;
  return tf.tensor2d(m, [l, s]);
}

/** F.scaled_dot_product_attention with PyTorch 2.x semantics (inference: dropout_p is ignored). */
export function scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const { attn_mask = null, is_causal = false } = options;
  const shapes = [q.rawShape, k.rawShape, v.rawShape];
  if (q.dim() < 2 || k.dim() !== q.dim() || v.dim() !== q.dim()) {
    throw new OpError("scaled_dot_product_attention", shapes, "query, key and value must have the same rank, at least 2");
  }
  const e = q.rawShape[q.dim() - 1] as number;
  const s = k.rawShape[k.dim() - 2] as number;
  if (k.rawShape[k.dim() - 1] !== e) throw new OpError("scaled_dot_product_attention", shapes, `query and key must share the last dim (${e} vs ${k.rawShape[k.dim() - 1]})`);
  if (v.rawShape[v.dim() - 2] !== s) throw new OpError("scaled_dot_product_attention", shapes, `key and value must have the same sequence length (${s} vs ${v.rawShape[v.dim() - 2]})`);
  if (!q.rawShape.slice(0, -2).every((d, i) => d === k.rawShape[i] && d === v.rawShape[i])) {
    throw new OpError("scaled_dot_product_attention", shapes, "query, key and value must have the same batch dims");
  }
  if (attn_mask && is_causal) throw new OpError("scaled_dot_product_attention", shapes, "pass either attn_mask or is_causal, not both");
  if (attn_mask) broadcastShapes("scaled_dot_product_attention", attn_mask.rawShape, [...q.rawShape.slice(0, -1), s]);
  return apply(SDPA, [q, k, v, attn_mask], { is_causal, scale: options.scale ?? 1 / Math.sqrt(e) });
}

type SdpaAttrs = { is_causal: boolean; scale: number };

const SDPA = defineOp<SdpaAttrs>({
  name: "scaled_dot_product_attention",
  summary: "softmax(q kᵀ · scale + mask) v, with an optional causal mask",
  kernel: ([q, k, v, attnMask], attrs) => {
    const f = (t: tf.Tensor | null | undefined) => castRaw(t as tf.Tensor, "float32");
    const [l, s] = [(q as tf.Tensor).shape.at(-2) as number, (k as tf.Tensor).shape.at(-2) as number];
    const mask = attnMask ? additiveMask(attnMask) : attrs.is_causal ? causalMask(l, s) : null;
    return attend(f(q), f(k), f(v), mask, attrs.scale).out;
  },
  onnx: {
    ops: ATTENTION_ONNX_OPS,
    emit: (ctx) => {
      const rank = ctx.type(0).shape.length;
      const [l, s] = [ctx.type(0).shape[rank - 2] as number, ctx.type(1).shape[rank - 2] as number];
      let mask: string | null = ctx.has(3) ? additiveOnnx(ctx, 3, false) : null;
      if (!mask && ctx.attrs.is_causal) {
        const m = new Float32Array(l * s);
        for (let i = 0; i < l; i++) for (let j = i + 1; j < s; j++) m[i * s + j] = -Infinity;
        mask = ctx.b.constant(undefined, "float32", [l, s], m);
      }
      return emitAttention(ctx, ctx.input(0), ctx.input(1), ctx.input(2), rank, ctx.attrs.scale, mask).out;
    },
  },
  flops: ({ inputs }) => {
    const [q, k, v] = [inputs[0]?.shape ?? [], inputs[1]?.shape ?? [], inputs[2]?.shape ?? []];
    return attentionFlops(numel(q.slice(0, -2)), q.at(-2) ?? 1, k.at(-2) ?? 1, q.at(-1) ?? 1, v.at(-1) ?? 1);
  },
  effect: "pure",
});
