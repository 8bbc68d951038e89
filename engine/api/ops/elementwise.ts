import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { elementwise } from "../../ops/flops";
import { type OpCall, type OpDef, defineOp } from "../../ops/record";
import { type DType, promoteTypes, scalarResultType } from "../dtype";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";

export type Operand = Tensor | number | boolean;

/**
 * The tfjs kernel by name, without tf.add's argument conversion and checks: the API has already
 * checked shapes and made the dtypes agree, and skipping them saves ~2.5 µs of ~8 µs per small op.
 */
export const kernel = (name: string, inputs: tf.NamedTensorMap): tf.Tensor => tf.engine().runKernel(name, inputs) as tf.Tensor;

/** Scalars reused across calls (x.mul(2) in a loop): they are immutable, so one kept copy serves. */
const scalars = new Map<string, tf.Tensor>();
function scalar(value: number, dtype: DType): tf.Tensor {
  const key = `${dtype}:${value}`;
  let t = scalars.get(key);
  if (!t) {
    if (scalars.size >= 512) {
      // A model that multiplies by ever-new numbers: start over rather than grow without bound.
      for (const old of scalars.values()) old.dispose();
      scalars.clear();
    }
    t = tf.keep(tf.scalar(value, dtype));
    scalars.set(key, t);
  }
  return t;
}

/**
 * A binary op computes in `attrs.dtype`; a number operand arrives as `attrs.other` with no second
 * input, so the IR and the exporter see it as a constant rather than a tensor.
 */
type BinaryAttrs = { dtype: DType; other?: number };

/** `neutral`: the number operand that makes the op a no-op (x + 0, x * 1). */
function binaryOp(name: string, kernelName: string, onnx: string, summary: string, extra: { neutral?: number; negate?: boolean } = {}): OpDef<BinaryAttrs> {
  return defineOp<BinaryAttrs>({
    name,
    summary,
    kernel: ([a, b], attrs) => {
      const dtype = attrs.dtype;
      return kernel(kernelName, { a: castRaw(a as tf.Tensor, dtype), b: b ? castRaw(b, dtype) : scalar(attrs.other as number, dtype) });
    },
    onnx: {
      ops: extra.negate ? [onnx, "Not"] : [onnx],
      emit: (ctx) => {
        const dtype = ctx.attrs.dtype;
        const b = ctx.has(1) ? ctx.cast(1, dtype) : ctx.scalar(ctx.attrs.other as number, dtype);
        const y = ctx.op(onnx, [ctx.cast(0, dtype), b]);
        return extra.negate ? ctx.op("Not", [y]) : y;
      },
    },
    flops: elementwise,
    effect: "pure",
    ...(extra.neutral === undefined ? {} : { noop: (call: OpCall<BinaryAttrs>) => noopBinary(name, call, extra.neutral as number) }),
  });
}

function noopBinary(name: string, call: OpCall<BinaryAttrs>, neutral: number): string | null {
  const same = call.inputs.length === 1 && call.attrs.other === neutral && call.inputs[0]?.dtype === call.outputs[0]?.dtype;
  return same ? `${name} ${neutral === 0 ? "of" : "by"} ${neutral}` : null;
}

/**
 * How a binary op picks its dtypes: `promote` computes in the promoted type (add, mul), `float` in
 * float32 (true division), `compare` in the promoted type and returns bool.
 */
type Mode = "promote" | "float" | "compare";

function binary(def: OpDef, a: Tensor, b: Operand, mode: Mode): Tensor {
  if (typeof b === "number" || typeof b === "boolean") {
    const dtype: DType = mode === "float" ? "float32" : scalarResultType(a.dtype, b);
    return apply(def, [a], { dtype, other: Number(b) });
  }
  broadcastShapes(def.name, a.rawShape, b.rawShape);
  const dtype: DType = mode === "float" ? "float32" : promoteTypes(a.dtype, b.dtype);
  return apply(def, [a, b], { dtype });
}

const ADD = binaryOp("add", "Add", "Add", "a + b, broadcasting", { neutral: 0 });
const SUB = binaryOp("sub", "Sub", "Sub", "a - b, broadcasting", { neutral: 0 });
const MUL = binaryOp("mul", "Multiply", "Mul", "a * b, broadcasting", { neutral: 1 });
const DIV = binaryOp("div", "RealDiv", "Div", "a / b, true division (integers give float32)", { neutral: 1 });
const POW = binaryOp("pow", "Pow", "Pow", "a ** b");
const MAXIMUM = binaryOp("maximum", "Maximum", "Max", "elementwise maximum");
const MINIMUM = binaryOp("minimum", "Minimum", "Min", "elementwise minimum");
const GT = binaryOp("gt", "Greater", "Greater", "a > b, bool");
const LT = binaryOp("lt", "Less", "Less", "a < b, bool");
const GE = binaryOp("ge", "GreaterEqual", "GreaterOrEqual", "a >= b, bool");
const LE = binaryOp("le", "LessEqual", "LessOrEqual", "a <= b, bool");
const EQ = binaryOp("eq", "Equal", "Equal", "a == b, bool");
const NE = binaryOp("ne", "NotEqual", "Equal", "a != b, bool", { negate: true });

export const add = (a: Tensor, b: Operand): Tensor => binary(ADD, a, b, "promote");
export const sub = (a: Tensor, b: Operand): Tensor => binary(SUB, a, b, "promote");
export const mul = (a: Tensor, b: Operand): Tensor => binary(MUL, a, b, "promote");
export const div = (a: Tensor, b: Operand): Tensor => binary(DIV, a, b, "float");
export const pow = (a: Tensor, b: Operand): Tensor => binary(POW, a, b, "promote");
export const maximum = (a: Tensor, b: Operand): Tensor => binary(MAXIMUM, a, b, "promote");
export const minimum = (a: Tensor, b: Operand): Tensor => binary(MINIMUM, a, b, "promote");
export const gt = (a: Tensor, b: Operand): Tensor => binary(GT, a, b, "compare");
export const lt = (a: Tensor, b: Operand): Tensor => binary(LT, a, b, "compare");
export const ge = (a: Tensor, b: Operand): Tensor => binary(GE, a, b, "compare");
export const le = (a: Tensor, b: Operand): Tensor => binary(LE, a, b, "compare");
export const eq = (a: Tensor, b: Operand): Tensor => binary(EQ, a, b, "compare");
export const ne = (a: Tensor, b: Operand): Tensor => binary(NE, a, b, "compare");

export type Unary = (x: tf.Tensor) => tf.Tensor;
export const byName = (kernelName: string): Unary => (x) => kernel(kernelName, { x });
export type NoAttrs = Record<string, never>;

export interface UnarySpec {
  /** Returns float32 for integer inputs, as PyTorch's exp or tanh do. */
  float: boolean;
  summary: string;
  /** The ONNX form as a chain of ops on the (float) input; rsqrt is Reciprocal(Sqrt(x)). */
  onnx: (ctx: EmitContext<NoAttrs>, x: string) => string;
  onnxOps: readonly string[];
  fusableActivation?: boolean;
}

export function unaryOp(name: string, fn: Unary, spec: UnarySpec): (x: Tensor) => Tensor {
  const def = defineOp<NoAttrs>({
    name,
    summary: spec.summary,
    kernel: ([x]) => fn(spec.float ? castRaw(x as tf.Tensor, "float32") : (x as tf.Tensor)),
    onnx: { ops: spec.onnxOps, emit: (ctx) => spec.onnx(ctx, spec.float ? ctx.cast(0, "float32") : ctx.input(0)) },
    flops: elementwise,
    effect: "pure",
    ...(spec.fusableActivation ? { fusableActivation: true } : {}),
  });
  return (x: Tensor) => apply(def, [x], {});
}

/** A unary op that is one ONNX op of the same meaning. */
export const simple = (onnx: string, float: boolean, summary: string, fusableActivation = false): UnarySpec => ({
  float,
  summary,
  onnx: (ctx, x) => ctx.op(onnx, [x]),
  onnxOps: [onnx],
  fusableActivation,
});

export const neg = unaryOp("neg", byName("Neg"), simple("Neg", false, "negation, -x"));
export const abs = unaryOp("abs", byName("Abs"), simple("Abs", false, "absolute value, |x|"));
// relu on bools and ints: tfjs's Relu kernel wants numbers, so those go through tf.relu's casts.
export const relu = unaryOp("relu", (t) => (t.dtype === "float32" ? kernel("Relu", { x: t }) : tf.relu(t)), simple("Relu", false, "max(x, 0)", true));
export const exp = unaryOp("exp", byName("Exp"), simple("Exp", true, "e ** x"));
export const log = unaryOp("log", byName("Log"), simple("Log", true, "natural logarithm"));
export const sqrt = unaryOp("sqrt", byName("Sqrt"), simple("Sqrt", true, "square root"));
export const rsqrt = unaryOp("rsqrt", byName("Rsqrt"), {
  float: true,
  summary: "1 / sqrt(x)",
  onnx: (ctx, x) => ctx.op("Reciprocal", [ctx.op("Sqrt", [x])]),
  onnxOps: ["Reciprocal", "Sqrt"],
});
export const sin = unaryOp("sin", byName("Sin"), simple("Sin", true, "sine"));
export const cos = unaryOp("cos", byName("Cos"), simple("Cos", true, "cosine"));
export const erf = unaryOp("erf", byName("Erf"), simple("Erf", true, "Gauss error function"));
export const sigmoid = unaryOp("sigmoid", byName("Sigmoid"), simple("Sigmoid", true, "1 / (1 + e ** -x)", true));
export const tanh = unaryOp("tanh", byName("Tanh"), simple("Tanh", true, "hyperbolic tangent"));
export const silu = unaryOp("silu", (t) => kernel("Multiply", { a: t, b: kernel("Sigmoid", { x: t }) }), {
  float: true,
  summary: "x * sigmoid(x) (swish)",
  onnx: (ctx, x) => ctx.op("Mul", [x, ctx.op("Sigmoid", [x])]),
  onnxOps: ["Mul", "Sigmoid"],
});

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export interface GeluOptions {
  approximate?: "none" | "tanh";
}

type GeluAttrs = { approximate: "none" | "tanh" };

const GELU = defineOp<GeluAttrs>({
  name: "gelu",
  summary: "Gaussian error linear unit, exact (erf) or with approximate: \"tanh\"",
  kernel: ([x], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    if (attrs.approximate === "tanh") {
      const inner = tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(t, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, SQRT_HALF)), 1));
  },
  onnx: {
    ops: ["Erf", "Mul", "Add", "Tanh"],
    emit: (ctx) => {
      const t = ctx.cast(0, "float32");
      const half = ctx.op("Mul", [t, ctx.scalar(0.5)]);
      if (ctx.attrs.approximate === "tanh") {
        const cube = ctx.op("Mul", [ctx.op("Mul", [t, t]), t]);
        const inner = ctx.op("Mul", [ctx.op("Add", [t, ctx.op("Mul", [cube, ctx.scalar(0.044715)])]), ctx.scalar(SQRT_2_OVER_PI)]);
        return ctx.op("Mul", [half, ctx.op("Add", [ctx.op("Tanh", [inner]), ctx.scalar(1)])]);
      }
      const erfOut = ctx.op("Erf", [ctx.op("Mul", [t, ctx.scalar(SQRT_HALF)])]);
      return ctx.op("Mul", [half, ctx.op("Add", [erfOut, ctx.scalar(1)])]);
    },
  },
  flops: elementwise,
  effect: "pure",
});

/** GELU, exact (erf) or PyTorch's tanh approximation. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const approximate = options.approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new TypeError(`gelu: approximate must be "none" or "tanh", got "${String(approximate)}"`);
  }
  return apply(GELU, [x], { approximate });
}

type ClampAttrs = { min: number | null; max: number | null };

const CLAMP = defineOp<ClampAttrs>({
  name: "clamp",
  summary: "x limited to [min, max]; either bound may be null",
  kernel: ([x], { min, max }) => {
    let t = x as tf.Tensor;
    if (min !== null) t = tf.maximum(t, tf.scalar(min, scalarResultType(t.dtype as DType, min)));
    if (max !== null) t = tf.minimum(t, tf.scalar(max, scalarResultType(t.dtype as DType, max)));
    return t;
  },
  onnx: {
    ops: ["Clip"],
    emit: (ctx) => {
      const dtype = ctx.type(0).dtype === "float32" ? "float32" : "int32";
      const { min, max } = ctx.attrs;
      return ctx.op("Clip", [ctx.input(0), min === null ? "" : ctx.scalar(min, dtype), max === null ? "" : ctx.scalar(max, dtype)]);
    },
  },
  flops: elementwise,
  effect: "pure",
});

export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  return apply(CLAMP, [x], { min, max });
}

type WhereAttrs = { dtype: DType; shape: number[]; a: number | null; b: number | null };

const WHERE = defineOp<WhereAttrs>({
  name: "where",
  summary: "torch.where(cond, a, b): a where cond is true, else b; numbers broadcast",
  kernel: ([cond, a, b], attrs) => {
    const { dtype, shape } = attrs;
    const c = (cond as tf.Tensor).dtype === "bool" ? (cond as tf.Tensor) : tf.notEqual(cond as tf.Tensor, 0);
    // tfjs-wasm's Select gives wrong values for bool operands: bools are picked as int32.
    const pick = dtype === "bool" ? "int32" : dtype;
    const side = (t: tf.Tensor | null | undefined, value: number | null) => (t ? castRaw(t, pick) : tf.scalar(value as number, pick));
    // tfjs's where broadcasts, but needs the condition at least as large as the output.
    const out = tf.where(tf.broadcastTo(c, shape), tf.broadcastTo(side(a, attrs.a), shape), tf.broadcastTo(side(b, attrs.b), shape));
    return pick === dtype ? out : castRaw(out, dtype);
  },
  onnx: {
    ops: ["Where", "Cast"],
    emit: (ctx) => {
      // onnxruntime has no bool Where either: bools are picked as int32, as in the kernel.
      const dtype = ctx.attrs.dtype === "bool" ? "int32" : ctx.attrs.dtype;
      const cond = ctx.cast(0, "bool");
      const side = (i: number, value: number | null) => (ctx.has(i) ? ctx.cast(i, dtype) : ctx.scalar(value as number, dtype));
      const out = ctx.op("Where", [cond, side(1, ctx.attrs.a), side(2, ctx.attrs.b)]);
      return dtype === ctx.attrs.dtype ? out : ctx.castValue(out, "bool");
    },
  },
  flops: elementwise,
  effect: "pure",
});

/** torch.where(condition, input, other): picks from `a` where `cond` is true; numbers broadcast. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const dtypeOf = (v: Operand): DType => (typeof v === "object" ? v.dtype : Number.isInteger(v) ? "int32" : "float32");
  const dtype = promoteTypes(dtypeOf(a), dtypeOf(b));
  const shapes = [cond, a, b].filter((v): v is Tensor => typeof v === "object").map((t) => t.rawShape);
  const shape = shapes.reduce((acc, s) => broadcastShapes("where", acc, s), [] as number[]);
  const tensorOrNull = (v: Operand) => (typeof v === "object" ? v : null);
  const scalarOrNull = (v: Operand) => (typeof v === "object" ? null : Number(v));
  return apply(WHERE, [cond, tensorOrNull(a), tensorOrNull(b)], { dtype, shape, a: scalarOrNull(a), b: scalarOrNull(b) });
}
