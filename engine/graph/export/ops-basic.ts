import type { DType } from "../../api/dtype";
import type { EmitContext, Emitter } from "./context";

const one = (f: (ctx: EmitContext) => string): Emitter => (ctx) => [f(ctx)];
const x = (ctx: EmitContext) => ctx.input(0);

/** Casts input `i` to `dtype` when it is not already: Tandem's binary ops compute in attrs.dtype. */
function as(ctx: EmitContext, i: number, dtype: DType): string {
  return ctx.type(i).dtype === dtype ? ctx.input(i) : ctx.op("Cast", [ctx.input(i)], { to: dtype === "float32" ? 1 : dtype === "int32" ? 6 : 9 });
}

/** A binary op whose second operand may be a number in attrs.other. */
function binary(onnx: string, negate = false): Emitter {
  return one((ctx) => {
    const dtype = ctx.attr<DType>("dtype");
    const a = as(ctx, 0, dtype);
    const b = ctx.has(1) ? as(ctx, 1, dtype) : ctx.scalar(ctx.attr<number>("other"), dtype);
    const y = ctx.op(onnx, [a, b]);
    return negate ? ctx.op("Not", [y]) : y;
  });
}

const toFloat = (ctx: EmitContext) => as(ctx, 0, "float32");
const unary = (onnx: string, float: boolean): Emitter => one((ctx) => ctx.op(onnx, [float ? toFloat(ctx) : x(ctx)]));

function gelu(ctx: EmitContext): string {
  const t = toFloat(ctx);
  const half = ctx.op("Mul", [t, ctx.scalar(0.5)]);
  if (ctx.attr<string>("approximate") === "tanh") {
    const cube = ctx.op("Mul", [ctx.op("Mul", [t, t]), t]);
    const inner = ctx.op("Mul", [ctx.op("Add", [t, ctx.op("Mul", [cube, ctx.scalar(0.044715)])]), ctx.scalar(Math.sqrt(2 / Math.PI))]);
    return ctx.op("Mul", [half, ctx.op("Add", [ctx.op("Tanh", [inner]), ctx.scalar(1)])]);
  }
  const erf = ctx.op("Erf", [ctx.op("Mul", [t, ctx.scalar(Math.SQRT1_2)])]);
  return ctx.op("Mul", [half, ctx.op("Add", [erf, ctx.scalar(1)])]);
}

function reduce(onnx: string, float: boolean): Emitter {
  return one((ctx) => {
    const dims = ctx.attr<number[] | null>("dim");
    const input = float ? toFloat(ctx) : ctx.type(0).dtype === "bool" ? as(ctx, 0, "int32") : x(ctx);
    const keepdims = ctx.attr<boolean>("keepdim") ? 1 : 0;
    const axes = dims ?? [...ctx.type(0).shape.keys()];
    // Opset 13 moved ReduceSum's axes to an input; the others keep the attribute until opset 18.
    if (onnx === "ReduceSum") return ctx.op(onnx, [input, ctx.int64(axes)], { keepdims });
    return ctx.op(onnx, [input], { axes, keepdims });
  });
}

const int32 = (ctx: EmitContext, v: string) => ctx.op("Cast", [v], { to: 6 }); // ONNX indices are int64, Tandem's int32

function argExtreme(onnx: "ArgMax" | "ArgMin"): Emitter {
  return one((ctx) => {
    const dim = ctx.attr<number | null>("dim");
    const keepdims = ctx.attr<boolean>("keepdim") ? 1 : 0;
    if (dim === null) {
      const flat = ctx.op("Reshape", [x(ctx), ctx.int64([-1])]);
      const idx = int32(ctx, ctx.op(onnx, [flat], { axis: 0, keepdims: 0 }));
      return keepdims ? ctx.op("Reshape", [idx, ctx.int64(ctx.out.shape)]) : idx;
    }
    return int32(ctx, ctx.op(onnx, [x(ctx)], { axis: dim, keepdims }));
  });
}

function extremeAlong(reduceOp: string, argOp: string): Emitter {
  return (ctx) => {
    const dim = ctx.attr<number>("dim");
    const keepdims = ctx.attr<boolean>("keepdim") ? 1 : 0;
    return [ctx.op(reduceOp, [x(ctx)], { axes: [dim], keepdims }), int32(ctx, ctx.op(argOp, [x(ctx)], { axis: dim, keepdims }))];
  };
}

/** A reshape to the traced shape; with a dynamic batch, dim 0 is copied from the input (Reshape's 0). */
const reshapeTo = one((ctx) => {
  const shape = [...ctx.out.shape];
  if (ctx.dynamicBatch !== null && shape.length > 0) {
    if (shape[0] !== ctx.dynamicBatch || ctx.type(0).shape[0] !== ctx.dynamicBatch) {
      ctx.unsupported(`with --dynamic-batch, a reshape must keep the batch as dim 0 (this one maps [${ctx.type(0).shape.join(",")}] to [${shape.join(",")}])`);
    }
    shape[0] = 0;
  }
  return ctx.op("Reshape", [x(ctx), ctx.int64(shape)]);
});

/** Elementwise, reduction and shape ops. */
export const BASIC_EMITTERS: Record<string, Emitter> = {
  add: binary("Add"),
  sub: binary("Sub"),
  mul: binary("Mul"),
  div: binary("Div"),
  pow: binary("Pow"),
  maximum: binary("Max"),
  minimum: binary("Min"),
  gt: binary("Greater"),
  lt: binary("Less"),
  ge: binary("GreaterOrEqual"),
  le: binary("LessOrEqual"),
  eq: binary("Equal"),
  ne: binary("Equal", true),
  neg: unary("Neg", false),
  abs: unary("Abs", false),
  relu: unary("Relu", false),
  exp: unary("Exp", true),
  log: unary("Log", true),
  sqrt: unary("Sqrt", true),
  rsqrt: one((ctx) => ctx.op("Reciprocal", [ctx.op("Sqrt", [toFloat(ctx)])])),
  sin: unary("Sin", true),
  cos: unary("Cos", true),
  erf: unary("Erf", true),
  sigmoid: unary("Sigmoid", true),
  tanh: unary("Tanh", true),
  silu: one((ctx) => ctx.op("Mul", [toFloat(ctx), ctx.op("Sigmoid", [toFloat(ctx)])])),
  gelu: one(gelu),
  clamp: one((ctx) => {
    const dtype = ctx.type(0).dtype === "float32" ? "float32" : "int32";
    const lo = ctx.attr<number | null>("min");
    const hi = ctx.attr<number | null>("max");
    return ctx.op("Clip", [x(ctx), lo === null ? "" : ctx.scalar(lo, dtype), hi === null ? "" : ctx.scalar(hi, dtype)]);
  }),
  where: one((ctx) => {
    const dtype = ctx.attr<DType>("dtype");
    const cond = ctx.type(0).dtype === "bool" ? ctx.input(0) : ctx.op("Cast", [ctx.input(0)], { to: 9 });
    const side = (i: number, key: string) => (ctx.has(i) ? as(ctx, i, dtype) : ctx.scalar(ctx.attr<number>(key), dtype));
    return ctx.op("Where", [cond, side(1, "a"), side(2, "b")]);
  }),
  sum: reduce("ReduceSum", false),
  mean: reduce("ReduceMean", true),
  max: one((ctx) => ctx.op("ReduceMax", [x(ctx)], { keepdims: 0 })),
  min: one((ctx) => ctx.op("ReduceMin", [x(ctx)], { keepdims: 0 })),
  max_dim: extremeAlong("ReduceMax", "ArgMax"),
  min_dim: extremeAlong("ReduceMin", "ArgMin"),
  argmax: argExtreme("ArgMax"),
  argmin: argExtreme("ArgMin"),
  softmax: one((ctx) => ctx.op("Softmax", [toFloat(ctx)], { axis: ctx.attr<number>("dim") })),
  log_softmax: one((ctx) => ctx.op("LogSoftmax", [toFloat(ctx)], { axis: ctx.attr<number>("dim") })),
  reshape: reshapeTo,
  view: reshapeTo,
  flatten: reshapeTo,
  squeeze: reshapeTo,
  unsqueeze: reshapeTo,
  permute: one((ctx) => ctx.op("Transpose", [x(ctx)], { perm: ctx.attr<number[]>("dims") })),
  transpose: one((ctx) => ctx.op("Transpose", [x(ctx)], { perm: ctx.attr<number[]>("dims") })),
  expand: one((ctx) => ctx.op("Expand", [x(ctx), ctx.int64(ctx.attr<number[]>("sizes"))])),
  to: one((ctx) => ctx.op("Cast", [x(ctx)], { to: ({ float32: 1, int32: 6, bool: 9 } as const)[ctx.attr<DType>("dtype")] })),
  cat: one((ctx) => ctx.op("Concat", ctx.node.inputs.map((_, i) => as(ctx, i, ctx.attr<DType>("dtype"))), { axis: ctx.attr<number>("dim") })),
  stack: one((ctx) => {
    const dim = ctx.attr<number>("dim");
    const parts = ctx.node.inputs.map((_, i) => ctx.op("Unsqueeze", [as(ctx, i, ctx.attr<DType>("dtype")), ctx.int64([dim])]));
    return ctx.op("Concat", parts, { axis: dim });
  }),
  split: (ctx) => ctx.b.node("Split", [x(ctx), ctx.int64(ctx.attr<number[]>("sizes"))], ctx.node.types.length, { axis: ctx.attr<number>("dim") }),
  // A scalar index removes the dim, as select does.
  select: one((ctx) => ctx.op("Gather", [x(ctx), ctx.scalar(ctx.attr<number>("index"), "int64")], { axis: ctx.attr<number>("dim") })),
  narrow: one((ctx) => {
    const start = ctx.attr<number>("start");
    return ctx.op("Slice", [x(ctx), ctx.int64([start]), ctx.int64([start + ctx.attr<number>("length")]), ctx.int64([ctx.attr<number>("dim")])]);
  }),
};
