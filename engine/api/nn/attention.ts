import * as tf from "@tensorflow/tfjs-core";
import { applyMulti } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ATTENTION_ONNX_OPS, additiveMask as additiveOnnx, emitAttention } from "../functional/attention-onnx";
import { ApiError, OpError } from "../errors";
import { attend } from "../functional/attention";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { constantParameter, xavier_uniform_, zeros_ } from "./init";
import { Linear } from "./linear";
import { Module } from "./module";
import { py } from "./repr";

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  batch_first?: boolean;
  kdim?: number | null;
  vdim?: number | null;
}

export interface MultiheadAttentionCall {
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  average_attn_weights?: boolean;
}

/** PyTorch masks: bool true means "may NOT attend" here (the reverse of SDPA's); floats are added. */
function additive(mask: tf.Tensor): tf.Tensor {
  if (mask.dtype !== "bool") return tf.cast(mask, "float32");
  return tf.where(mask, tf.fill(mask.shape, -Infinity), tf.zeros(mask.shape));
}

/**
 * The attention core of nn.MultiheadAttention: in-projection, per-head scaled dot products, head
 * merge. Inputs [query, key, value, in_proj_weight (as [E, 3E]), in_proj_bias, attn_mask,
 * key_padding_mask]; outputs [context [N, L, E] (or [L, E] unbatched), weights].
 */
type MhaAttrs = { num_heads: number; batch_first: boolean; average_attn_weights: boolean };

const MHA = defineOp<MhaAttrs>({
  name: "multi_head_attention",
  summary: "nn.MultiheadAttention's core: in-projection, per-head attention, head merge (the out-projection is a linear)",
  layouts: { 3: [1, 0] },
  kernel: ([query, key, value, wT, bias, attnMask, keyPadding], attrs) => {
    const heads = attrs.num_heads;
    const batched = (query as tf.Tensor).rank === 3;
    // Work in [N, L, E]: unbatched input gets a batch of one, sequence-first input is transposed.
    const toNLE = (t: tf.Tensor) => (!batched ? tf.expandDims(t, 0) : attrs.batch_first ? t : tf.transpose(t, [1, 0, 2]));
    const [q, k, v] = [toNLE(query as tf.Tensor), toNLE(key as tf.Tensor), toNLE(value as tf.Tensor)];
    const [n, l, e] = q.shape as [number, number, number];
    const s = k.shape[1] as number;
    const d = e / heads;
    const project = (x: tf.Tensor, part: number) => {
      const w = tf.slice(wT as tf.Tensor, [0, part * e], [e, e]);
      const b = bias ? tf.slice(bias, [part * e], [e]) : undefined;
      const y = tf.fused.matMul({ a: tf.reshape(x, [-1, e]), b: w, bias: b });
      return tf.transpose(tf.reshape(y, [n, -1, heads, d]), [0, 2, 1, 3]); // [N, H, T, D]
    };
    let mask: tf.Tensor | null = null;
    if (attnMask) {
      const m = additive(attnMask);
      mask = m.rank === 2 ? m : tf.reshape(m, [n, heads, l, s]);
    }
    if (keyPadding) {
      const kp = tf.reshape(additive(keyPadding), [n, 1, 1, s]);
      mask = mask ? tf.add(mask, kp) : kp;
    }
    const att = attend(project(q, 0), project(k, 1), project(v, 2), mask, 1 / Math.sqrt(d));
    let ctx = tf.reshape(tf.transpose(att.out, [0, 2, 1, 3]), [n, l, e]);
    let w = attrs.average_attn_weights ? tf.mean(att.weights, 1) : att.weights;
    if (!batched) {
      ctx = tf.squeeze(ctx, [0]);
      w = tf.squeeze(w, [0]);
    }
    return [ctx, w];
  },
  onnx: { ops: ["Reshape", ...ATTENTION_ONNX_OPS, "Slice", "ReduceMean"], emit: emitMultiHeadAttention },
  // q, k, v in-projections (2·N·L·E·E each), then attention per head.
  flops: ({ inputs, attrs }) => {
    const [q, k] = [inputs[0]?.shape ?? [], inputs[1]?.shape ?? []];
    const e = q.at(-1) ?? 1;
    const [l, s] = [q.at(-2) ?? 1, k.at(-2) ?? 1];
    const n = q.length === 3 ? numel(q) / (l * e) : 1;
    const d = e / attrs.num_heads;
    const projections = 2 * n * l * e * e + 2 * 2 * n * s * e * e;
    return projections + 2 * n * attrs.num_heads * l * s * d * 2 + 3 * n * attrs.num_heads * l * s;
  },
  effect: "pure",
});

/** The same steps as the kernel, spelled out in ONNX ops: in-projection, heads, attention, merge. */
function emitMultiHeadAttention(ctx: EmitContext<MhaAttrs>): string[] {
  const heads = ctx.attrs.num_heads;
  const batched = ctx.type(0).shape.length === 3;
  const e = ctx.type(0).shape.at(-1) as number;
  const d = e / heads;
  const toNLE = (i: number) => {
    if (!batched) return ctx.op("Unsqueeze", [ctx.input(i), ctx.int64([0])]);
    return ctx.attrs.batch_first ? ctx.input(i) : ctx.op("Transpose", [ctx.input(i)], { perm: [1, 0, 2] });
  };
  const part = (i: number, p: number) => ctx.op("Slice", [ctx.input(i), ctx.int64([p * e]), ctx.int64([(p + 1) * e]), ctx.int64([0])]);
  const project = (i: number, p: number) => {
    let y = ctx.op("MatMul", [toNLE(i), ctx.op("Transpose", [part(3, p)], { perm: [1, 0] })]);
    if (ctx.has(4)) y = ctx.op("Add", [y, part(4, p)]);
    return ctx.op("Transpose", [ctx.op("Reshape", [y, ctx.int64([0, -1, heads, d])])], { perm: [0, 2, 1, 3] }); // [N, H, T, D]
  };
  let mask: string | null = null;
  if (ctx.has(5)) {
    const m = additiveOnnx(ctx, 5, true);
    mask = ctx.type(5).shape.length === 2 ? m : ctx.op("Reshape", [m, ctx.int64([-1, heads, ...ctx.type(5).shape.slice(1)])]);
  }
  if (ctx.has(6)) {
    const kp = ctx.op("Reshape", [additiveOnnx(ctx, 6, true), ctx.int64([0, 1, 1, -1])]);
    mask = mask ? ctx.op("Add", [mask, kp]) : kp;
  }
  const att = emitAttention(ctx, project(0, 0), project(1, 1), project(2, 2), 4, 1 / Math.sqrt(d), mask);
  let out = ctx.op("Reshape", [ctx.op("Transpose", [att.out], { perm: [0, 2, 1, 3] }), ctx.int64([0, -1, e])]);
  let weights = ctx.attrs.average_attn_weights ? ctx.op("ReduceMean", [att.weights], { axes: [1], keepdims: 0 }) : att.weights;
  if (!batched) {
    out = ctx.op("Squeeze", [out, ctx.int64([0])]);
    weights = ctx.op("Squeeze", [weights, ctx.int64([0])]);
  }
  return [out, weights];
}

/**
 * nn.MultiheadAttention with PyTorch's parameters (in_proj_weight [3E, E], in_proj_bias, out_proj)
 * and call convention: returns [output, weights], weights null when need_weights is false.
 */
export class MultiheadAttention extends Module {
  in_proj_weight: Parameter;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly head_dim: number;
  readonly batch_first: boolean;
  readonly dropout: number;

  constructor(
    readonly embed_dim: number,
    readonly num_heads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    if (embed_dim % num_heads !== 0) throw new ApiError(`MultiheadAttention: embed_dim (${embed_dim}) must be divisible by num_heads (${num_heads})`);
    if ((options.kdim ?? embed_dim) !== embed_dim || (options.vdim ?? embed_dim) !== embed_dim) {
      throw new ApiError("MultiheadAttention: kdim and vdim different from embed_dim are not supported");
    }
    this.head_dim = embed_dim / num_heads;
    this.batch_first = options.batch_first ?? false;
    this.dropout = options.dropout ?? 0;
    const bias = options.bias ?? true;
    // PyTorch's _reset_parameters: xavier_uniform_ in-projection, zero biases.
    this.in_proj_weight = constantParameter([3 * embed_dim, embed_dim], 0);
    xavier_uniform_(this.in_proj_weight);
    this.in_proj_bias = bias ? constantParameter([3 * embed_dim], 0) : null;
    this.out_proj = new Linear(embed_dim, embed_dim, { bias });
    if (this.out_proj.bias) zeros_(this.out_proj.bias);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCall = {}): [Tensor, Tensor | null] {
    const { key_padding_mask = null, attn_mask = null, need_weights = true, average_attn_weights = true } = options;
    const batched = query.dim() === 3;
    if (!batched && query.dim() !== 2) throw new OpError("MultiheadAttention", [query.rawShape], "expected query of 2 or 3 dims");
    const e = this.embed_dim;
    for (const t of [query, key, value]) {
      if (t.dim() !== query.dim() || t.rawShape[t.dim() - 1] !== e) {
        throw new OpError("MultiheadAttention", [query.rawShape, key.rawShape, value.rawShape], `query, key and value must be ${query.dim()}-D with last dim embed_dim=${e}`);
      }
    }
    const inputs = [query, key, value, this.in_proj_weight, this.in_proj_bias, attn_mask, key_padding_mask];
    const attrs = { num_heads: this.num_heads, batch_first: this.batch_first, need_weights, average_attn_weights };
    const [context, weights] = applyMulti(MHA, inputs, attrs);
    let out = this.out_proj(context as Tensor);
    if (batched && !this.batch_first) out = out.transpose(0, 1);
    return [out, need_weights ? (weights as Tensor) : null];
  }

  override extra_repr(): string {
    return `embed_dim=${this.embed_dim}, num_heads=${this.num_heads}, batch_first=${py(this.batch_first)}`;
  }
}
