import * as tf from "@tensorflow/tfjs-core";
import { op } from "../../eager/dispatch";
import { type DType, promoteTypes, scalarResultType } from "../dtype";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";

export type Operand = Tensor | number | boolean;
type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * How a binary op picks its dtypes: `promote` computes in the promoted type (add, mul), `float` in
 * float32 (true division), `compare` in the promoted type and returns bool.
 */
type Mode = "promote" | "float" | "compare";

function binary(name: string, a: Tensor, b: Operand, kernel: Binary, mode: Mode): Tensor {
  if (typeof b === "number" || typeof b === "boolean") {
    const dtype: DType = mode === "float" ? "float32" : scalarResultType(a.dtype, b);
    const value = Number(b);
    return op(name, [a], { other: value }, () => kernel(castRaw(a.raw, dtype), tf.scalar(value, dtype)));
  }
  broadcastShapes(name, a.shape, b.shape);
  const dtype: DType = mode === "float" ? "float32" : promoteTypes(a.dtype, b.dtype);
  return op(name, [a, b], {}, () => kernel(castRaw(a.raw, dtype), castRaw(b.raw, dtype)));
}

export const add = (a: Tensor, b: Operand): Tensor => binary("add", a, b, tf.add, "promote");
export const sub = (a: Tensor, b: Operand): Tensor => binary("sub", a, b, tf.sub, "promote");
export const mul = (a: Tensor, b: Operand): Tensor => binary("mul", a, b, tf.mul, "promote");
export const div = (a: Tensor, b: Operand): Tensor => binary("div", a, b, tf.div, "float");
export const pow = (a: Tensor, b: Operand): Tensor => binary("pow", a, b, tf.pow, "promote");
export const maximum = (a: Tensor, b: Operand): Tensor => binary("maximum", a, b, tf.maximum, "promote");
export const minimum = (a: Tensor, b: Operand): Tensor => binary("minimum", a, b, tf.minimum, "promote");
export const gt = (a: Tensor, b: Operand): Tensor => binary("gt", a, b, tf.greater, "compare");
export const lt = (a: Tensor, b: Operand): Tensor => binary("lt", a, b, tf.less, "compare");
export const ge = (a: Tensor, b: Operand): Tensor => binary("ge", a, b, tf.greaterEqual, "compare");
export const le = (a: Tensor, b: Operand): Tensor => binary("le", a, b, tf.lessEqual, "compare");
export const eq = (a: Tensor, b: Operand): Tensor => binary("eq", a, b, tf.equal, "compare");
export const ne = (a: Tensor, b: Operand): Tensor => binary("ne", a, b, tf.notEqual, "compare");

type Unary = (x: tf.Tensor) => tf.Tensor;

/** `float` ops (exp, tanh...) return float32 for integer inputs, as PyTorch does. */
function unary(name: string, x: Tensor, kernel: Unary, float: boolean): Tensor {
  return op(name, [x], {}, () => kernel(float ? castRaw(x.raw, "float32") : x.raw));
}

export const neg = (x: Tensor): Tensor => unary("neg", x, tf.neg, false);
export const abs = (x: Tensor): Tensor => unary("abs", x, tf.abs, false);
export const relu = (x: Tensor): Tensor => unary("relu", x, tf.relu, false);
export const exp = (x: Tensor): Tensor => unary("exp", x, tf.exp, true);
export const log = (x: Tensor): Tensor => unary("log", x, tf.log, true);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x, tf.sqrt, true);
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x, tf.rsqrt, true);
export const sin = (x: Tensor): Tensor => unary("sin", x, tf.sin, true);
export const cos = (x: Tensor): Tensor => unary("cos", x, tf.cos, true);
export const erf = (x: Tensor): Tensor => unary("erf", x, tf.erf, true);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x, tf.sigmoid, true);
export const tanh = (x: Tensor): Tensor => unary("tanh", x, tf.tanh, true);
export const silu = (x: Tensor): Tensor => unary("silu", x, (t) => tf.mul(t, tf.sigmoid(t)), true);

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export interface GeluOptions {
  approximate?: "none" | "tanh";
}

/** GELU, exact (erf) or PyTorch's tanh approximation. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const approximate = options.approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new TypeError(`gelu: approximate must be "none" or "tanh", got "${String(approximate)}"`);
  }
  const exact = (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, SQRT_HALF)), 1));
  const tanhForm = (t: tf.Tensor) =>
    tf.mul(tf.mul(t, 0.5), tf.add(tf.tanh(tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), SQRT_2_OVER_PI)), 1));
  return op("gelu", [x], { approximate }, () => {
    const t = castRaw(x.raw, "float32");
    return approximate === "tanh" ? tanhForm(t) : exact(t);
  });
}

export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  return op("clamp", [x], { min, max }, () => {
    let t = x.raw;
    if (min !== null) t = tf.maximum(t, tf.scalar(min, scalarResultType(x.dtype, min)));
    if (max !== null) t = tf.minimum(t, tf.scalar(max, scalarResultType(x.dtype, max)));
    return t;
  });
}

/** torch.where(condition, input, other): picks from `a` where `cond` is true; numbers broadcast. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const inputs = [cond, a, b].filter((v): v is Tensor => typeof v === "object");
  const dtypeOf = (v: Operand): DType => (typeof v === "object" ? v.dtype : Number.isInteger(v) ? "int32" : "float32");
  const dtype = promoteTypes(dtypeOf(a), dtypeOf(b));
  const shapes = inputs.map((t) => t.shape);
  const outShape = shapes.reduce((acc, s) => broadcastShapes("where", acc, s), [] as number[]);
  const rawOf = (v: Operand) => (typeof v === "object" ? castRaw(v.raw, dtype) : tf.scalar(Number(v), dtype));
  return op("where", inputs, {}, () => {
    const c = cond.dtype === "bool" ? cond.raw : tf.notEqual(cond.raw, 0);
    // tfjs's where broadcasts but needs the condition at least as large as the output.
    return tf.where(tf.broadcastTo(c, outShape), tf.broadcastTo(rawOf(a), outShape), tf.broadcastTo(rawOf(b), outShape));
  });
}
