/**
 * Reductions beyond sum, mean, max and min: prod, amax, amin, logsumexp, any, all as records (one
 * ONNX Reduce* each), and var, std and norm as composites of them, as PyTorch defines them.
 */
import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError } from "../errors";
import type { Tensor } from "../tensor";
import { castRaw } from "./cast";
import { abs, div, mul, pow, sqrt, sub } from "./elementwise";
import { type Attrs, type Dims, axes, emitReduce, mean, sum } from "./reduce";

/** Torch's keepdim may come positionally or in the options object. */
export type ReduceOptions = { keepdim?: boolean };
const keepOf = (k: boolean | ReduceOptions | undefined) => (typeof k === "object" ? (k.keepdim ?? false) : (k ?? false));

function reduceOp(name: string, onnx: string, summary: string, kernel: (x: tf.Tensor, a: Attrs) => tf.Tensor, input: "float" | "same" | "bool" = "same") {
  return defineOp<Attrs>({
    name,
    summary,
    kernel: ([x], a) => kernel(input === "float" ? castRaw(x as tf.Tensor, "float32") : input === "bool" ? castRaw(x as tf.Tensor, "bool") : (x as tf.Tensor), a),
    onnx: {
      ops: [onnx],
      emit: (ctx) => {
        if (input !== "bool") return emitReduce(ctx, onnx, input === "float" ? ctx.cast(0, "float32") : ctx.input(0));
        // ONNX reduces no bools: any is a max and all a min of 0/1 integers.
        return ctx.castValue(emitReduce(ctx, onnx, ctx.castValue(ctx.cast(0, "bool"), "int32")), "bool");
      },
    },
    flops: reduction,
    effect: "pure",
  });
}

const dimsOf = (a: Attrs) => a.dim ?? undefined;
const PROD = reduceOp("prod", "ReduceProd", "product over dim (all dims when none)", (x, a) => tf.prod(x, dimsOf(a), a.keepdim));
const AMAX = reduceOp("amax", "ReduceMax", "largest value over dims, without indices", (x, a) => tf.max(x, dimsOf(a), a.keepdim));
const AMIN = reduceOp("amin", "ReduceMin", "smallest value over dims, without indices", (x, a) => tf.min(x, dimsOf(a), a.keepdim));
const LOGSUMEXP = reduceOp("logsumexp", "ReduceLogSumExp", "log(sum(exp(x))) over dims, computed stably", (x, a) => tf.logSumExp(x, dimsOf(a), a.keepdim), "float");
const ANY = reduceOp("any", "ReduceMax", "true where any element over dims is nonzero", (x, a) => tf.any(x, dimsOf(a), a.keepdim), "bool");
const ALL = reduceOp("all", "ReduceMin", "true where every element over dims is nonzero", (x, a) => tf.all(x, dimsOf(a), a.keepdim), "bool");

const reducer = (name: string, def: typeof PROD) => (x: Tensor, dim?: Dims, keepdim?: boolean | ReduceOptions): Tensor =>
  apply(def, [x], { dim: axes(name, x, dim), keepdim: keepOf(keepdim) });

export const prod = reducer("prod", PROD);
export const any = reducer("any", ANY);
export const all = reducer("all", ALL);

/** amax/amin need a dim in PyTorch's signature, but () reduces everything, as there. */
export const amax = reducer("amax", AMAX);
export const amin = reducer("amin", AMIN);

export function logsumexp(x: Tensor, dim: Dims, keepdim?: boolean | ReduceOptions): Tensor {
  if (dim === null || dim === undefined) throw new ApiError("logsumexp() missing required argument 'dim'");
  return apply(LOGSUMEXP, [x], { dim: axes("logsumexp", x, dim), keepdim: keepOf(keepdim) });
}

export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: divide by N - 1 (default) or N (false). */
  unbiased?: boolean;
  /** The divisor is N - correction (PyTorch 2's spelling; 1 by default). */
  correction?: number;
}

/** torch.var(dim?, { unbiased, correction, keepdim }): E[(x - mean)²] over N - correction. */
export function variance(x: Tensor, dim?: Dims | VarOptions, options: VarOptions = {}): Tensor {
  const [d, o] = typeof dim === "object" && dim !== null && !Array.isArray(dim) ? [undefined, dim as VarOptions] : [dim as Dims, options];
  const dims = axes("var", x, d);
  const n = (dims ?? [...x.shape.keys()]).reduce((acc, k) => acc * (x.shape[k] as number), 1);
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  const centered = sub(x.float(), mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepOf(o)), Math.max(0, n - correction));
}

export function std(x: Tensor, dim?: Dims | VarOptions, options: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, options));
}

export interface NormOptions extends ReduceOptions {
  p?: number | "fro";
  dim?: Dims;
}

/** torch.norm(x, p="fro", dim=None, keepdim=False): the p-norm over dims (2 and "fro" alike here). */
export function norm(x: Tensor, p: number | "fro" | NormOptions = "fro", dim?: Dims, keepdim?: boolean | ReduceOptions): Tensor {
  const o: NormOptions = typeof p === "object" ? p : { p, dim, keepdim: keepOf(keepdim) };
  const order = o.p ?? "fro";
  const dims = axes("norm", x, o.dim);
  const keep = o.keepdim ?? false;
  const a = abs(x.float());
  if (order === "fro" || order === 2) return sqrt(sum(mul(a, a), dims, keep));
  if (order === Infinity) return amax(a, dims, keep);
  if (order === -Infinity) return amin(a, dims, keep);
  if (order === 1) return sum(a, dims, keep);
  if (typeof order !== "number" || order === 0) throw new OpError("norm", [x.shape], `p=${String(order)} is not supported; use 1, 2, "fro", Infinity or another nonzero number`);
  return pow(sum(pow(a, order), dims, keep), 1 / order);
}

