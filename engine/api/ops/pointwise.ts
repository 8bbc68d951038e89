/**
 * Elementwise math and logic beyond the arithmetic of elementwise.ts: rounding, signs,
 * remainders, the logical ops and NaN/Inf tests. Records where one kernel and one ONNX op do the
 * job; composites (remainder, fmod, nan_to_num) where PyTorch's definition is a formula over
 * existing ops.
 */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { elementwise } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { castRaw } from "./cast";
import { type Operand, byName, div, kernel, mul, simple, sub, unaryOp, where } from "./elementwise";

export const square = unaryOp("square", byName("Square"), {
  float: false,
  summary: "x * x",
  onnx: (ctx, x) => ctx.op("Mul", [x, x]),
  onnxOps: ["Mul"],
});
export const reciprocal = unaryOp("reciprocal", byName("Reciprocal"), simple("Reciprocal", true, "1 / x"));
export const sign = unaryOp("sign", byName("Sign"), simple("Sign", false, "-1, 0 or 1 by the sign of x"));
// Integers are already whole: rounding them is the identity, as in PyTorch.
const whole = (name: string) => (x: tf.Tensor) => (x.dtype === "float32" ? kernel(name, { x }) : x);
export const floor = unaryOp("floor", whole("Floor"), simple("Floor", false, "largest integer <= x"));
export const ceil = unaryOp("ceil", whole("Ceil"), simple("Ceil", false, "smallest integer >= x"));
// tfjs and ONNX both round half to even, as torch.round does.
export const round = unaryOp("round", whole("Round"), simple("Round", false, "nearest integer, halves to even"));
export const trunc = unaryOp("trunc", (x) => (x.dtype === "float32" ? tf.mul(tf.sign(x), tf.floor(tf.abs(x))) : x), {
  float: false,
  summary: "x with its fractional part dropped (towards zero)",
  onnx: (ctx, x) => ctx.op("Mul", [ctx.op("Sign", [x]), ctx.op("Floor", [ctx.op("Abs", [x])])]),
  onnxOps: ["Sign", "Floor", "Abs", "Mul"],
});

/** torch.remainder: a - floor(a / b) * b, the sign of the divisor (Python's %). */
export function remainder(a: Tensor, b: Operand): Tensor {
  if (typeof b !== "object") return sub(a, mul(floor(div(a, b)), b)).to(a.dtype === "int32" && Number.isInteger(b) ? "int32" : "float32");
  const q = floor(div(a, b));
  const r = sub(a, mul(q, b));
  return a.dtype === "int32" && b.dtype === "int32" ? r.to("int32") : r;
}

/** torch.fmod: a - trunc(a / b) * b, the sign of the dividend (C's fmod). */
export function fmod(a: Tensor, b: Operand): Tensor {
  const r = sub(a, mul(trunc(div(a, b)), b));
  const ints = a.dtype === "int32" && (typeof b === "object" ? b.dtype === "int32" : Number.isInteger(b));
  return ints ? r.to("int32") : r;
}

type LogicalAttrs = { shape: number[] };
const toBool = (t: tf.Tensor) => castRaw(t, "bool");

function logicalOp(name: string, onnx: "And" | "Or" | "Xor", fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, summary: string) {
  const def = defineOp<LogicalAttrs>({
    name,
    summary,
    kernel: ([a, b]) => fn(toBool(a as tf.Tensor), toBool(b as tf.Tensor)),
    onnx: { ops: [onnx], emit: (ctx) => ctx.op(onnx, [ctx.cast(0, "bool"), ctx.cast(1, "bool")]) },
    flops: elementwise,
    effect: "pure",
  });
  return (a: Tensor, b: Tensor): Tensor => apply(def, [a, b], { shape: broadcastShapes(name, a.shape, b.shape) });
}

export const logical_and = logicalOp("logical_and", "And", tf.logicalAnd, "a and b, elementwise, nonzero meaning true");
export const logical_or = logicalOp("logical_or", "Or", tf.logicalOr, "a or b, elementwise, nonzero meaning true");
export const logical_xor = logicalOp("logical_xor", "Xor", tf.logicalXor, "a xor b, elementwise, nonzero meaning true");
export const logical_not = unaryOp("logical_not", (x) => tf.logicalNot(toBool(x)), {
  float: false,
  summary: "not x, elementwise, nonzero meaning true",
  onnx: (ctx) => ctx.op("Not", [ctx.cast(0, "bool")]),
  onnxOps: ["Not"],
});

// Integers and bools are never NaN or infinite.
const neverFor = (test: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => (x.dtype === "float32" ? test(x) : tf.zeros(x.shape, "bool"));
export const isnan = unaryOp("isnan", neverFor(tf.isNaN), {
  float: false,
  summary: "true where x is NaN",
  onnx: (ctx) => ctx.op("IsNaN", [ctx.cast(0, "float32")]),
  onnxOps: ["IsNaN"],
});
export const isinf = unaryOp("isinf", neverFor(tf.isInf), {
  float: false,
  summary: "true where x is +Inf or -Inf",
  onnx: (ctx) => ctx.op("IsInf", [ctx.cast(0, "float32")]),
  onnxOps: ["IsInf"],
});

export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** torch.nan_to_num: NaN to `nan` (0), +Inf to `posinf` and -Inf to `neginf` (float32's extremes). */
export function nan_to_num(x: Tensor, options: NanToNumOptions = {}): Tensor {
  const { nan = 0, posinf = null, neginf = null } = options;
  if (![nan, posinf ?? 0, neginf ?? 0].every(Number.isFinite)) throw new ApiError("nan_to_num(): the replacement values must be finite numbers");
  if (x.dtype !== "float32") return x;
  const inf = isinf(x);
  let y = where(isnan(x), nan, x);
  y = where(logical_and(inf, x.gt(0)), posinf ?? FLOAT32_MAX, y);
  return where(logical_and(inf, x.lt(0)), neginf ?? -FLOAT32_MAX, y);
}
