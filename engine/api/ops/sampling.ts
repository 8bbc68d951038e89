/**
 * Random tensors as ops, so that a graph keeps them random: traced as random nodes (never folded
 * into one sample, never merged), drawn afresh on every run of a compiled plan, and exported as
 * ONNX's RandomNormal(Like) and RandomUniform(Like). The *_like forms follow their input's shape
 * at run time, so an export with a dynamic batch draws noise of the batch it is given.
 */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { none } from "../../ops/flops";
import { type OpAttrs, defineOp } from "../../ops/record";
import type { DType } from "../dtype";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";

type Distribution = "normal" | "uniform" | "integers";
type SampleAttrs = { shape: number[]; low: number; high: number };
type LikeAttrs = { low: number; high: number };

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function draw(kind: Distribution, shape: readonly number[], low: number, high: number): tf.Tensor {
  const gen = defaultGenerator();
  const n = numel(shape);
  if (kind === "integers") return tf.tensor(gen.integers(n, low, high), [...shape], "int32");
  return tf.tensor(kind === "normal" ? gen.normal(n) : gen.uniform(n, low, high), [...shape], "float32");
}

/** ONNX draws integers as floor(uniform(low, high)), cast to Tandem's int32. */
function emitSample<A extends OpAttrs & LikeAttrs>(ctx: EmitContext<A>, kind: Distribution, like: boolean, shape: readonly number[]): string {
  const attrs: Record<string, number | number[] | ReturnType<typeof ctx.b.attr.float>> = { dtype: 1 };
  if (!like) attrs.shape = [...shape];
  if (kind !== "normal") Object.assign(attrs, { low: ctx.b.attr.float(ctx.attrs.low), high: ctx.b.attr.float(ctx.attrs.high) });
  const op = `${kind === "normal" ? "RandomNormal" : "RandomUniform"}${like ? "Like" : ""}`;
  const sample = ctx.op(op, like ? [ctx.input(0)] : [], attrs);
  return kind === "integers" ? ctx.castValue(ctx.op("Floor", [sample]), "int32") : sample;
}

const onnxOps = (kind: Distribution, like: boolean) => {
  const base = `${kind === "normal" ? "RandomNormal" : "RandomUniform"}${like ? "Like" : ""}`;
  return kind === "integers" ? [base, "Floor", "Cast"] : [base];
};

function sampleOp(name: string, kind: Distribution, summary: string) {
  return defineOp<SampleAttrs>({
    name,
    summary,
    kernel: (_, a) => draw(kind, a.shape, a.low, a.high),
    onnx: { ops: onnxOps(kind, false), emit: (ctx) => emitSample(ctx, kind, false, ctx.attrs.shape) },
    flops: none,
    effect: "random",
  });
}

function likeOp(name: string, kind: Distribution, summary: string) {
  return defineOp<LikeAttrs>({
    name,
    summary,
    kernel: ([x], a) => draw(kind, (x as tf.Tensor).shape, a.low, a.high),
    onnx: { ops: onnxOps(kind, true), emit: (ctx) => emitSample(ctx, kind, true, ctx.type(0).shape) },
    flops: none,
    effect: "random",
  });
}

const RANDN = sampleOp("randn", "normal", "samples from N(0, 1) of a given shape");
const RAND = sampleOp("rand", "uniform", "samples from U[0, 1) of a given shape");
const RANDINT = sampleOp("randint", "integers", "integers drawn uniformly from [low, high) of a given shape");
const RANDN_LIKE = likeOp("randn_like", "normal", "samples from N(0, 1) shaped like the input");
const RAND_LIKE = likeOp("rand_like", "uniform", "samples from U[0, 1) shaped like the input");
const RANDINT_LIKE = likeOp("randint_like", "integers", "integers from [low, high) shaped like the input");

export const sampleNormal = (shape: number[]): Tensor => apply(RANDN, [], { shape, low: 0, high: 1 });
export const sampleUniform = (shape: number[]): Tensor => apply(RAND, [], { shape, low: 0, high: 1 });
export const sampleIntegers = (shape: number[], low: number, high: number): Tensor => apply(RANDINT, [], { shape, low, high });
export const normalLike = (x: Tensor): Tensor => apply(RANDN_LIKE, [x], { low: 0, high: 1 });
export const uniformLike = (x: Tensor): Tensor => apply(RAND_LIKE, [x], { low: 0, high: 1 });
export const integersLike = (x: Tensor, low: number, high: number): Tensor => apply(RANDINT_LIKE, [x], { low, high });

type FillAttrs = { value: number; dtype: DType };

const FULL_LIKE = defineOp<FillAttrs>({
  name: "full_like",
  summary: "a tensor of one value shaped like the input (zeros_like, ones_like, full_like)",
  kernel: ([x], a) => tf.fill((x as tf.Tensor).shape, a.value, a.dtype),
  // Shape(x) at run time, not the traced shape, so a dynamic batch is followed.
  onnx: { ops: ["Expand", "Shape"], emit: (ctx) => ctx.op("Expand", [ctx.scalar(ctx.attrs.value, ctx.attrs.dtype), ctx.op("Shape", [ctx.input(0)])]) },
  flops: none,
  effect: "pure",
});

export const filledLike = (x: Tensor, value: number, dtype: DType): Tensor => apply(FULL_LIKE, [x], { value, dtype });
