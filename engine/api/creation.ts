import * as tf from "@tensorflow/tfjs-core";
import { type DType, type DTypeLike, toDType } from "./dtype";
import { checkAllocation } from "./allocation";
import { ApiError } from "./errors";
import type { Nested } from "./format";
import type { Generator } from "./random";
import { filledLike, integersLike, normalLike, sampleIntegers, sampleNormal, sampleUniform, uniformLike } from "./ops/sampling";
import { type SizeArgs, Tensor, sizeFromArgs } from "./tensor";

export interface DTypeOption {
  dtype?: DTypeLike;
}

type Data = Nested | Float32Array | Int32Array | Uint8Array;

function inferShape(data: Nested, path: number[] = []): number[] {
  if (!Array.isArray(data)) return [];
  const shape = [data.length];
  if (data.length === 0) return shape;
  const inner = inferShape(data[0] as Nested, [...path, 0]);
  data.forEach((item, i) => {
    const s = inferShape(item, [...path, i]);
    if (s.length !== inner.length || s.some((d, k) => d !== inner[k])) {
      throw new ApiError(`tensor(): ragged nested array: expected sequence of length ${inner[0] ?? "scalar"} at dim ${path.length + 1} (got ${s[0] ?? "a scalar"})`);
    }
  });
  return [...shape, ...inner];
}

function firstLeaf(data: Nested): number | boolean | undefined {
  let v: Nested | undefined = data;
  while (Array.isArray(v)) v = v[0];
  return v;
}

/**
 * torch.tensor. Numbers become float32 unless a dtype is given: JavaScript cannot tell `1` from
 * `1.0`, so PyTorch's int64 inference for integer literals would turn weights into integers.
 */
export function tensor(data: Data, options: DTypeOption = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const dtype: DType = options.dtype ? toDType(options.dtype) : data instanceof Int32Array ? "int32" : data instanceof Uint8Array ? "bool" : "float32";
    return new Tensor(tf.tensor(data, [data.length], dtype));
  }
  const shape = inferShape(data);
  const leaf = firstLeaf(data);
  const dtype: DType = options.dtype ? toDType(options.dtype) : typeof leaf === "boolean" ? "bool" : "float32";
  const flat = Array.isArray(data) ? ((data as unknown[]).flat(Infinity) as (number | boolean)[]) : [data];
  const values = dtype === "bool" ? flat.map((v) => (v ? 1 : 0)) : flat.map(Number);
  return new Tensor(tf.tensor(values, shape, dtype));
}

/** The trailing options object PyTorch keyword arguments turn into, split off size arguments. */
function splitOptions<T extends object>(args: readonly unknown[]): [SizeArgs, T] {
  const last = args[args.length - 1];
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last);
  const sizes = (hasOptions ? args.slice(0, -1) : args) as SizeArgs;
  return [sizes, (hasOptions ? last : {}) as T];
}

function checkSize(name: string, shape: readonly number[]): number[] {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ApiError(`${name}(): sizes must be non-negative integers, got [${shape.join(", ")}]`);
  }
  return [...shape];
}

function filled(name: string, args: readonly unknown[], value: number): Tensor {
  const [sizes, options] = splitOptions<DTypeOption>(args);
  const shape = checkSize(name, sizeFromArgs(sizes));
  const dtype = options.dtype ? toDType(options.dtype) : "float32";
  checkAllocation(`${name}()`, shape, dtype);
  return new Tensor(tf.fill(shape, value, dtype));
}

export function zeros(...args: [...SizeArgs] | [...SizeArgs, DTypeOption]): Tensor {
  return filled("zeros", args, 0);
}

export function ones(...args: [...SizeArgs] | [...SizeArgs, DTypeOption]): Tensor {
  return filled("ones", args, 1);
}

export function full(size: readonly number[], fillValue: number | boolean, options: DTypeOption = {}): Tensor {
  const dtype = options.dtype ? toDType(options.dtype) : typeof fillValue === "boolean" ? "bool" : "float32";
  const shape = checkSize("full", size);
  checkAllocation("full()", shape, dtype);
  return new Tensor(tf.fill(shape, Number(fillValue), dtype));
}

/** The *_like functions are ops on their input, so a graph follows its shape (a dynamic batch) at run time. */
const likeDType = (x: Tensor, options: DTypeOption): DType => (options.dtype ? toDType(options.dtype) : x.dtype);
export const zeros_like = (x: Tensor, options: DTypeOption = {}): Tensor => filledLike(x, 0, likeDType(x, options));
export const ones_like = (x: Tensor, options: DTypeOption = {}): Tensor => filledLike(x, 1, likeDType(x, options));
export const full_like = (x: Tensor, value: number | boolean, options: DTypeOption = {}): Tensor =>
  filledLike(x, Number(value), likeDType(x, options));

/** torch.empty: PyTorch leaves the memory uninitialized; Tandem gives zeros, which no model can tell apart. */
export function empty(...args: [...SizeArgs] | [...SizeArgs, DTypeOption]): Tensor {
  return filled("empty", args, 0);
}

/** torch.eye(n, m?): ones on the diagonal. */
export function eye(n: number, m: number | DTypeOption = n, options: DTypeOption = {}): Tensor {
  const cols = typeof m === "number" ? m : n;
  const opts = typeof m === "number" ? options : m;
  checkSize("eye", [n, cols]);
  const dtype = opts.dtype ? toDType(opts.dtype) : "float32";
  return new Tensor(tf.eye(n, cols, undefined, dtype === "bool" ? "float32" : dtype)).to(dtype);
}

/** torch.linspace(start, end, steps): `steps` evenly spaced values from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: DTypeOption = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ApiError(`linspace(): number of steps must be a non-negative integer, got ${steps}`);
  const values = new Float32Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end, so the last value is exactly `end`.
  for (let i = 0; i < steps; i++) values[i] = i < steps / 2 ? start + step * i : end - step * (steps - 1 - i);
  const t = new Tensor(tf.tensor(values, [steps], "float32"));
  return options.dtype ? t.to(toDType(options.dtype)) : t;
}

/**
 * torch.arange(end) or arange(start, end, step). Integer arguments give int32 (positions, indices),
 * any fractional one gives float32, as in PyTorch.
 */
export function arange(...args: [number] | [number, number] | [number, number, number] | [...number[], DTypeOption]): Tensor {
  const [nums, options] = splitOptions<DTypeOption>(args);
  const [a, b, c] = nums as number[];
  const [start, end, step] = b === undefined ? [0, a ?? 0, 1] : [a ?? 0, b, c ?? 1];
  if (step === 0) throw new ApiError("arange(): step must be nonzero");
  const dtype: DType = options.dtype
    ? toDType(options.dtype)
    : [start, end, step].every(Number.isInteger) ? "int32" : "float32";
  const count = Math.max(0, Math.ceil((end - start) / step));
  const values = dtype === "int32" ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  return new Tensor(tf.tensor(values, [count], dtype));
}

export interface RandomOptions extends DTypeOption {
  generator?: Generator;
}

/*
 * With the default generator the samplers are random ops (engine/api/ops/sampling.ts): a graph
 * draws afresh on every run. An explicit generator's stream cannot live in a graph, so its
 * samples are drawn here and become constants when traced.
 */

export function randn(...args: [...SizeArgs] | [...SizeArgs, RandomOptions]): Tensor {
  const [sizes, options] = splitOptions<RandomOptions>(args);
  const shape = checkSize("randn", sizeFromArgs(sizes));
  checkAllocation("randn()", shape, "float32");
  if (!options.generator) return sampleNormal(shape);
  return new Tensor(tf.tensor(options.generator.normal(shape.reduce((x, y) => x * y, 1)), shape, "float32"));
}

export function rand(...args: [...SizeArgs] | [...SizeArgs, RandomOptions]): Tensor {
  const [sizes, options] = splitOptions<RandomOptions>(args);
  const shape = checkSize("rand", sizeFromArgs(sizes));
  checkAllocation("rand()", shape, "float32");
  if (!options.generator) return sampleUniform(shape);
  return new Tensor(tf.tensor(options.generator.uniform(shape.reduce((x, y) => x * y, 1)), shape, "float32"));
}

/** torch.randint(low, high, size): integers in [low, high). */
export function randint(low: number, high: number, size: readonly number[], options: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new ApiError(`randint(): high (${high}) must be greater than low (${low})`);
  const shape = checkSize("randint", size);
  checkAllocation("randint()", shape, "int32");
  if (!options.generator) return sampleIntegers(shape, low, high);
  return new Tensor(tf.tensor(options.generator.integers(shape.reduce((x, y) => x * y, 1), low, high), shape, "int32"));
}

/** torch.randn_like: N(0, 1) samples shaped like `x` (float32). */
export const randn_like = (x: Tensor): Tensor => normalLike(x);
/** torch.rand_like: U[0, 1) samples shaped like `x` (float32). */
export const rand_like = (x: Tensor): Tensor => uniformLike(x);

/** torch.randint_like(x, high) or randint_like(x, low, high): integers shaped like `x`. */
export function randint_like(x: Tensor, lowOrHigh: number, high?: number): Tensor {
  const [lo, hi] = high === undefined ? [0, lowOrHigh] : [lowOrHigh, high];
  if (!(hi > lo)) throw new ApiError(`randint_like(): high (${hi}) must be greater than low (${lo})`);
  return integersLike(x, lo, hi);
}
