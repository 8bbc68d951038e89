import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { type AttrValue, type OpDef, defineOp } from "../../eager/registry";
import { type DType, promoteTypes, scalarResultType } from "../dtype";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";

export type Operand = Tensor | number | boolean;

/**
 * The tfjs kernel by name, without tf.add's argument conversion and checks: the API has already
 * checked shapes and made the dtypes agree, and skipping them saves ~2.5 µs of ~8 µs per small op.
 */
const kernel = (name: string, inputs: tf.NamedTensorMap): tf.Tensor => tf.engine().runKernel(name, inputs) as tf.Tensor;

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
function binaryOp(name: string, kernelName: string): OpDef {
  return defineOp({
    name,
    kernel: ([a, b], attrs) => {
      const dtype = attrs.dtype as DType;
      return kernel(kernelName, { a: castRaw(a as tf.Tensor, dtype), b: b ? castRaw(b, dtype) : scalar(attrs.other as number, dtype) });
    },
  });
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

const ADD = binaryOp("add", "Add");
const SUB = binaryOp("sub", "Sub");
const MUL = binaryOp("mul", "Multiply");
const DIV = binaryOp("div", "RealDiv");
const POW = binaryOp("pow", "Pow");
const MAXIMUM = binaryOp("maximum", "Maximum");
const MINIMUM = binaryOp("minimum", "Minimum");
const GT = binaryOp("gt", "Greater");
const LT = binaryOp("lt", "Less");
const GE = binaryOp("ge", "GreaterEqual");
const LE = binaryOp("le", "LessEqual");
const EQ = binaryOp("eq", "Equal");
const NE = binaryOp("ne", "NotEqual");

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

type Unary = (x: tf.Tensor) => tf.Tensor;
const byName = (kernelName: string): Unary => (x) => kernel(kernelName, { x });

/** `float` ops (exp, tanh...) return float32 for integer inputs, as PyTorch does. */
function unaryOp(name: string, fn: Unary, float: boolean): (x: Tensor) => Tensor {
  const def = defineOp({ name, kernel: ([x]) => fn(float ? castRaw(x as tf.Tensor, "float32") : (x as tf.Tensor)) });
  return (x: Tensor) => apply(def, [x], {});
}

export const neg = unaryOp("neg", byName("Neg"), false);
export const abs = unaryOp("abs", byName("Abs"), false);
// relu on bools and ints: tfjs's Relu kernel wants numbers, so those go through tf.relu's casts.
export const relu = unaryOp("relu", (t) => (t.dtype === "float32" ? kernel("Relu", { x: t }) : tf.relu(t)), false);
export const exp = unaryOp("exp", byName("Exp"), true);
export const log = unaryOp("log", byName("Log"), true);
export const sqrt = unaryOp("sqrt", byName("Sqrt"), true);
export const rsqrt = unaryOp("rsqrt", byName("Rsqrt"), true);
export const sin = unaryOp("sin", byName("Sin"), true);
export const cos = unaryOp("cos", byName("Cos"), true);
export const erf = unaryOp("erf", byName("Erf"), true);
export const sigmoid = unaryOp("sigmoid", byName("Sigmoid"), true);
export const tanh = unaryOp("tanh", byName("Tanh"), true);
export const silu = unaryOp("silu", (t) => kernel("Multiply", { a: t, b: kernel("Sigmoid", { x: t }) }), true);

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export interface GeluOptions {
  approximate?: "none" | "tanh";
}

const GELU = defineOp({
  name: "gelu",
  kernel: ([x], attrs) => {
    const t = castRaw(x as tf.Tensor, "float32");
    if (attrs.approximate === "tanh") {
      const inner = tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(t, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, SQRT_HALF)), 1));
  },
});

/** GELU, exact (erf) or PyTorch's tanh approximation. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const approximate = options.approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new TypeError(`gelu: approximate must be "none" or "tanh", got "${String(approximate)}"`);
  }
  return apply(GELU, [x], { approximate });
}

const CLAMP = defineOp({
  name: "clamp",
  kernel: ([x], attrs) => {
    let t = x as tf.Tensor;
    const { min, max } = attrs as { min: number | null; max: number | null };
    if (min !== null) t = tf.maximum(t, tf.scalar(min, scalarResultType(t.dtype as DType, min)));
    if (max !== null) t = tf.minimum(t, tf.scalar(max, scalarResultType(t.dtype as DType, max)));
    return t;
  },
});

export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  return apply(CLAMP, [x], { min, max });
}

const WHERE = defineOp({
  name: "where",
  kernel: ([cond, a, b], attrs) => {
    const dtype = attrs.dtype as DType;
    const shape = attrs.shape as number[];
    const c = (cond as tf.Tensor).dtype === "bool" ? (cond as tf.Tensor) : tf.notEqual(cond as tf.Tensor, 0);
    const side = (t: tf.Tensor | null | undefined, scalar: AttrValue | undefined) => (t ? castRaw(t, dtype) : tf.scalar(scalar as number, dtype));
    // tfjs's where broadcasts, but needs the condition at least as large as the output.
    return tf.where(tf.broadcastTo(c, shape), tf.broadcastTo(side(a, attrs.a), shape), tf.broadcastTo(side(b, attrs.b), shape));
  },
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
