import type { EmitContext, Emitter } from "./context";

const one = (f: (ctx: EmitContext) => string): Emitter => (ctx) => [f(ctx)];
const ACTIVATION: Record<string, string> = { relu: "Relu", sigmoid: "Sigmoid" };

/** The fused activation the graph passes put on linear and conv2d, as its own ONNX node (onnxruntime re-fuses it). */
function activate(ctx: EmitContext, y: string): string {
  const act = ctx.attr<string | undefined>("activation") ?? "linear";
  if (act === "linear") return y;
  const op = ACTIVATION[act];
  return op ? ctx.op(op, [y]) : ctx.unsupported(`fused activation "${act}"`);
}

function linear(ctx: EmitContext): string {
  // Parameters are written in PyTorch's layout, W [out, in]: Gemm reads it with transB.
  if (ctx.type(0).shape.length === 2) return activate(ctx, ctx.op("Gemm", [ctx.input(0), ctx.input(1), ctx.input(2)], { transB: 1 }));
  const y = ctx.op("MatMul", [ctx.input(0), ctx.op("Transpose", [ctx.input(1)], { perm: [1, 0] })]);
  return activate(ctx, ctx.has(2) ? ctx.op("Add", [y, ctx.input(2)]) : y);
}

function conv2d(ctx: EmitContext): string {
  const [[t, b], [l, r]] = ctx.attr<[[number, number], [number, number]]>("pads");
  const weight = ctx.type(1).shape;
  const attrs = {
    kernel_shape: weight.slice(2),
    strides: ctx.attr<number[]>("stride"),
    dilations: ctx.attr<number[]>("dilation"),
    group: ctx.attr<number>("groups"),
    pads: [t, l, b, r],
  };
  return activate(ctx, ctx.op("Conv", [ctx.input(0), ctx.input(1), ctx.input(2)], attrs));
}

function pool(onnx: "MaxPool" | "AveragePool"): Emitter {
  return one((ctx) => {
    const [ph, pw] = ctx.attr<[number, number]>("padding");
    const attrs: Record<string, number | number[]> = {
      kernel_shape: ctx.attr<number[]>("kernel"),
      strides: ctx.attr<number[]>("stride"),
      pads: [ph, pw, ph, pw],
      ceil_mode: ctx.attr<boolean>("ceil_mode") ? 1 : 0,
    };
    if (onnx === "MaxPool") attrs.dilations = ctx.attr<number[]>("dilation");
    else {
      if (ctx.attr<number | null>("divisor_override") !== null) ctx.unsupported("avg_pool2d with divisor_override has no ONNX equivalent");
      attrs.count_include_pad = ctx.attr<boolean>("count_include_pad") ? 1 : 0;
    }
    return ctx.op(onnx, [ctx.input(0)], attrs);
  });
}

function adaptiveAvgPool(ctx: EmitContext): string {
  const [oh, ow] = ctx.attr<[number, number]>("output_size");
  const [h, w] = ctx.type(0).shape.slice(-2) as [number, number];
  if (oh === 1 && ow === 1) return ctx.op("GlobalAveragePool", [ctx.input(0)]);
  if (h % oh === 0 && w % ow === 0) {
    const k = [h / oh, w / ow];
    return ctx.op("AveragePool", [ctx.input(0)], { kernel_shape: k, strides: k });
  }
  return ctx.unsupported(`adaptive_avg_pool2d from ${h}x${w} to ${oh}x${ow}: bins of unequal size have no ONNX pooling op`);
}

function filled(ctx: EmitContext, shape: readonly number[], value: number): string {
  const n = shape.reduce((a, b) => a * b, 1);
  return ctx.b.constant(undefined, "float32", [...shape], new Float32Array(n).fill(value));
}

function batchNorm(ctx: EmitContext): string {
  if (ctx.attr<boolean>("training")) ctx.unsupported("batch_norm with training=true (batch statistics)");
  const c = ctx.type(0).shape[1] as number;
  const scale = ctx.has(3) ? ctx.input(3) : filled(ctx, [c], 1);
  const bias = ctx.has(4) ? ctx.input(4) : filled(ctx, [c], 0);
  return ctx.op("BatchNormalization", [ctx.input(0), scale, bias, ctx.input(1), ctx.input(2)], { epsilon: ctx.b.attr.float(ctx.attr<number>("eps")) });
}

function layerNorm(ctx: EmitContext): string {
  const shape = ctx.attr<number[]>("normalized_shape");
  const scale = ctx.has(1) ? ctx.input(1) : filled(ctx, shape, 1);
  const inputs = [ctx.input(0), scale, ...(ctx.has(2) ? [ctx.input(2)] : [])];
  return ctx.op("LayerNormalization", inputs, { axis: -shape.length, epsilon: ctx.b.attr.float(ctx.attr<number>("eps")) });
}

/** Boolean mask -> additive: `blocked` says which boolean value means "may not attend". */
function additive(ctx: EmitContext, i: number, blocked: boolean): string {
  if (ctx.type(i).dtype !== "bool") return ctx.input(i);
  const [zero, inf] = [ctx.scalar(0), ctx.scalar(-Infinity)];
  return ctx.op("Where", [ctx.input(i), blocked ? inf : zero, blocked ? zero : inf]);
}

const swapLast = (ctx: EmitContext, v: string, rank: number) => {
  const perm = [...Array(rank).keys()];
  [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
  return ctx.op("Transpose", [v], { perm });
};

/** softmax(q k^T * scale + mask) v, the same formula as the eager kernel. */
function attention(ctx: EmitContext, q: string, k: string, v: string, rank: number, scale: number, mask: string | null): { out: string; weights: string } {
  let scores = ctx.op("Mul", [ctx.op("MatMul", [q, swapLast(ctx, k, rank)]), ctx.scalar(scale)]);
  if (mask) scores = ctx.op("Add", [scores, mask]);
  const weights = ctx.op("Softmax", [scores], { axis: -1 });
  return { out: ctx.op("MatMul", [weights, v]), weights };
}

function sdpa(ctx: EmitContext): string {
  const rank = ctx.type(0).shape.length;
  const [l, s] = [ctx.type(0).shape[rank - 2] as number, ctx.type(1).shape[rank - 2] as number];
  let mask: string | null = ctx.has(3) ? additive(ctx, 3, false) : null;
  if (!mask && ctx.attr<boolean>("is_causal")) {
    const m = new Float32Array(l * s);
    for (let i = 0; i < l; i++) for (let j = i + 1; j < s; j++) m[i * s + j] = -Infinity;
    mask = ctx.b.constant(undefined, "float32", [l, s], m);
  }
  return attention(ctx, ctx.input(0), ctx.input(1), ctx.input(2), rank, ctx.attr<number>("scale"), mask).out;
}

/** nn.MultiheadAttention's core, spelled out in ONNX ops: in-projection, heads, attention, merge. */
function multiHeadAttention(ctx: EmitContext): string[] {
  const heads = ctx.attr<number>("num_heads");
  const batched = ctx.type(0).shape.length === 3;
  const e = ctx.type(0).shape.at(-1) as number;
  const d = e / heads;
  const toNLE = (i: number) => {
    if (!batched) return ctx.op("Unsqueeze", [ctx.input(i), ctx.int64([0])]);
    return ctx.attr<boolean>("batch_first") ? ctx.input(i) : ctx.op("Transpose", [ctx.input(i)], { perm: [1, 0, 2] });
  };
  const project = (i: number, part: number) => {
    const w = ctx.op("Slice", [ctx.input(3), ctx.int64([part * e]), ctx.int64([(part + 1) * e]), ctx.int64([0])]);
    let y = ctx.op("MatMul", [toNLE(i), ctx.op("Transpose", [w], { perm: [1, 0] })]);
    if (ctx.has(4)) y = ctx.op("Add", [y, ctx.op("Slice", [ctx.input(4), ctx.int64([part * e]), ctx.int64([(part + 1) * e]), ctx.int64([0])])]);
    return ctx.op("Transpose", [ctx.op("Reshape", [y, ctx.int64([0, -1, heads, d])])], { perm: [0, 2, 1, 3] }); // [N, H, T, D]
  };
  let mask: string | null = null;
  if (ctx.has(5)) {
    const m = additive(ctx, 5, true);
    mask = ctx.type(5).shape.length === 2 ? m : ctx.op("Reshape", [m, ctx.int64([-1, heads, ...ctx.type(5).shape.slice(1)])]);
  }
  if (ctx.has(6)) {
    const kp = ctx.op("Reshape", [additive(ctx, 6, true), ctx.int64([0, 1, 1, -1])]);
    mask = mask ? ctx.op("Add", [mask, kp]) : kp;
  }
  const att = attention(ctx, project(0, 0), project(1, 1), project(2, 2), 4, 1 / Math.sqrt(d), mask);
  let out = ctx.op("Reshape", [ctx.op("Transpose", [att.out], { perm: [0, 2, 1, 3] }), ctx.int64([0, -1, e])]);
  let weights = ctx.attr<boolean>("average_attn_weights") ? ctx.op("ReduceMean", [att.weights], { axes: [1], keepdims: 0 }) : att.weights;
  if (!batched) {
    out = ctx.op("Squeeze", [out, ctx.int64([0])]);
    weights = ctx.op("Squeeze", [weights, ctx.int64([0])]);
  }
  return [out, weights];
}

const cast = (ctx: EmitContext, i: number) => (ctx.type(i).dtype === "float32" ? ctx.input(i) : ctx.op("Cast", [ctx.input(i)], { to: 1 }));

/** Layers: linear algebra, convolution, pooling, normalization, embedding, attention. */
export const NN_EMITTERS: Record<string, Emitter> = {
  linear: one(linear),
  matmul: one((ctx) => (ctx.attr<string>("dtype") === "float32" ? ctx.op("MatMul", [cast(ctx, 0), cast(ctx, 1)]) : ctx.op("MatMul", [ctx.input(0), ctx.input(1)]))),
  conv2d: one(conv2d),
  max_pool2d: pool("MaxPool"),
  avg_pool2d: pool("AveragePool"),
  adaptive_avg_pool2d: one(adaptiveAvgPool),
  batch_norm: one(batchNorm),
  layer_norm: one(layerNorm),
  embedding: one((ctx) => ctx.op("Gather", [ctx.input(1), ctx.input(0)], { axis: 0 })),
  dropout: one((ctx) => ctx.unsupported("dropout with training=true is random; export models in eval mode")),
  scaled_dot_product_attention: one(sdpa),
  multi_head_attention: multiHeadAttention,
};
