/**
 * torch.nn.init: in-place initialisers with PyTorch's names, defaults and keyword options. Each takes
 * its optional arguments positionally, `normal_(w, 0, 0.02)`, or as one options object,
 * `normal_(w, { std: 0.02 })`. Random ones draw from the default generator (manual_seed).
 */
import * as tf from "@tensorflow/tfjs-core";
import { ApiError } from "../errors";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";
import { fans } from "./init";

/**
 * The tensor to fill. Initialisers accept null in their types so that PyTorch's idiom
 * `nn.init.zeros_(m.bias)` type-checks (bias is `Parameter | null`); a null fails here, as None does in PyTorch.
 */
function present(t: Tensor | null, name: string): Tensor {
  if (t === null || t === undefined) throw new ApiError(`nn.init.${name}: got null instead of a tensor (a layer built with bias: false has no bias)`);
  return t;
}

function fill(t: Tensor, values: tf.Tensor): Tensor {
  t.assign(values);
  return t;
}

function fromValues(t: Tensor, values: Float32Array | Float64Array): Tensor {
  return fill(t, tf.tensor(Float32Array.from(values), t.shape, "float32"));
}

/** The options object when the first optional argument is one; otherwise the positional values. */
function read<O extends object>(first: number | string | O | undefined, positional: Partial<O>): Partial<O> {
  return typeof first === "object" && first !== null ? first : positional;
}

export interface UniformOptions { a?: number; b?: number }

/** U(a, b). */
export function uniform_(target: Tensor | null, a?: number | UniformOptions, b?: number): Tensor {
  const t = present(target, "uniform_");
  const o = read<UniformOptions>(a, { a: a as number | undefined, b });
  return fromValues(t, defaultGenerator().uniform(t.numel(), o.a ?? 0, o.b ?? 1));
}

export interface NormalOptions { mean?: number; std?: number }

/** N(mean, std²). */
export function normal_(target: Tensor | null, mean?: number | NormalOptions, std?: number): Tensor {
  const t = present(target, "normal_");
  const o = read<NormalOptions>(mean, { mean: mean as number | undefined, std });
  return fromValues(t, defaultGenerator().normal(t.numel(), o.mean ?? 0, o.std ?? 1));
}

export interface TruncNormalOptions { mean?: number; std?: number; a?: number; b?: number }

/** erf by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7): only the truncation bounds need it. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** Inverse erf by Giles' single-precision approximation, refined by two Newton steps. */
function erfinv(y: number): number {
  const w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    const v = w - 2.5;
    x = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941].reduce((p, c) => p * v + c, 0);
  } else {
    const v = Math.sqrt(w) - 3;
    x = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682].reduce((p, c) => p * v + c, 0);
  }
  x *= y;
  for (let i = 0; i < 2; i++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/**
 * N(mean, std²) truncated to [a, b], as PyTorch draws it: uniform over the CDF's range between the
 * bounds, mapped back through the inverse CDF, then clamped (so no draw can loop forever in a tail).
 */
export function trunc_normal_(target: Tensor | null, mean?: number | TruncNormalOptions, std?: number, a?: number, b?: number): Tensor {
  const t = present(target, "trunc_normal_");
  const o = read<TruncNormalOptions>(mean, { mean: mean as number | undefined, std, a, b });
  const m = o.mean ?? 0;
  const s = o.std ?? 1;
  const lo = o.a ?? -2;
  const hi = o.b ?? 2;
  if (!(lo < hi)) throw new ApiError(`trunc_normal_: a (${lo}) must be less than b (${hi})`);
  const cdf = (x: number) => (1 + erf((x - m) / s / Math.SQRT2)) / 2;
  const l = 2 * cdf(lo) - 1;
  const u = 2 * cdf(hi) - 1;
  const draws = defaultGenerator().uniform(t.numel(), l, u);
  const out = new Float64Array(draws.length);
  for (let i = 0; i < draws.length; i++) {
    // Keep strictly inside (-1, 1), where erfinv is finite.
    const y = Math.min(Math.max(draws[i] as number, -1 + 1e-7), 1 - 1e-7);
    out[i] = Math.min(Math.max(m + s * Math.SQRT2 * erfinv(y), lo), hi);
  }
  return fromValues(t, out);
}

export function constant_(target: Tensor | null, val: number): Tensor {
  const t = present(target, "constant_");
  return fill(t, tf.fill(t.shape, val, t.dtype === "bool" ? "bool" : t.dtype));
}

export const zeros_ = (t: Tensor | null): Tensor => constant_(present(t, "zeros_"), 0);
export const ones_ = (t: Tensor | null): Tensor => constant_(present(t, "ones_"), 1);

/** The identity matrix in a 2-D tensor (ones on the main diagonal of a non-square one too). */
export function eye_(target: Tensor | null): Tensor {
  const t = present(target, "eye_");
  if (t.dim() !== 2) throw new ApiError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = t.shape as [number, number];
  return fill(t, tf.eye(rows, cols, undefined, "float32"));
}

/** The Dirac delta in a 3-, 4- or 5-D conv weight: the conv passes each of the first channels through. */
export function dirac_(target: Tensor | null, groups = 1): Tensor {
  const t = present(target, "dirac_");
  if (t.dim() < 3 || t.dim() > 5) throw new ApiError("Only tensors with 3, 4, or 5 dimensions are supported");
  const shape = t.shape;
  const out = shape[0] as number;
  if (out % groups !== 0) throw new ApiError("dim 0 must be divisible by groups");
  const perGroup = out / groups;
  const minDim = Math.min(perGroup, shape[1] as number);
  const values = new Float32Array(t.numel());
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const centre = shape.slice(2).reduce((acc, size, i) => acc + Math.floor(size / 2) * (strides[i + 2] as number), 0);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) values[(g * perGroup + d) * (strides[0] as number) + d * (strides[1] as number) + centre] = 1;
  }
  return fromValues(t, values);
}

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

/** The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain. */
export function calculate_gain(nonlinearity: Nonlinearity, param: number | null = null): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d":
    case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) throw new ApiError(`negative_slope ${String(slope)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ApiError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

export interface GainOptions { gain?: number }

/** U(-bound, bound) with bound = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavier_uniform_(target: Tensor | null, gain?: number | GainOptions): Tensor {
  const t = present(target, "xavier_uniform_");
  const g = read<GainOptions>(gain, { gain: gain as number | undefined }).gain ?? 1;
  const { fanIn, fanOut } = fans(t.shape);
  const bound = g * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/** N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavier_normal_(target: Tensor | null, gain?: number | GainOptions): Tensor {
  const t = present(target, "xavier_normal_");
  const g = read<GainOptions>(gain, { gain: gain as number | undefined }).gain ?? 1;
  const { fanIn, fanOut } = fans(t.shape);
  return normal_(t, 0, g * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: "fan_in" | "fan_out";
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: Partial<KaimingOptions>): number {
  const mode = o.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") throw new ApiError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const { fanIn, fanOut } = fans(t.shape);
  const gain = calculate_gain(o.nonlinearity ?? "leaky_relu", o.a ?? 0);
  return gain / Math.sqrt(mode === "fan_in" ? fanIn : fanOut);
}

/** U(-bound, bound) with bound = gain * sqrt(3 / fan_mode). */
export function kaiming_uniform_(target: Tensor | null, a?: number | KaimingOptions, mode?: KaimingOptions["mode"], nonlinearity?: Nonlinearity): Tensor {
  const t = present(target, "kaiming_uniform_");
  const bound = Math.sqrt(3) * kaimingStd(t, read<KaimingOptions>(a, { a: a as number | undefined, mode, nonlinearity }));
  return uniform_(t, -bound, bound);
}

/** N(0, std²) with std = gain / sqrt(fan_mode). */
export function kaiming_normal_(target: Tensor | null, a?: number | KaimingOptions, mode?: KaimingOptions["mode"], nonlinearity?: Nonlinearity): Tensor {
  const t = present(target, "kaiming_normal_");
  return normal_(t, 0, kaimingStd(t, read<KaimingOptions>(a, { a: a as number | undefined, mode, nonlinearity })));
}

/**
 * A (semi-)orthogonal matrix, as PyTorch: a normal matrix's QR factor with R's diagonal made
 * positive (modified Gram-Schmidt in float64 gives exactly that), times gain; trailing dims flattened.
 */
export function orthogonal_(target: Tensor | null, gain?: number | GainOptions): Tensor {
  const t = present(target, "orthogonal_");
  if (t.dim() < 2) throw new ApiError("Only tensors with 2 or more dimensions are supported");
  const g = read<GainOptions>(gain, { gain: gain as number | undefined }).gain ?? 1;
  const rows = t.shape[0] as number;
  const cols = t.numel() / rows;
  const drawn = defaultGenerator().normal(rows * cols);
  // Work on the tall orientation: `n` orthonormal columns of length `m`, column j at q[j].
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const q = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => (tall ? drawn[i * cols + j] : drawn[j * cols + i]) as number));
  for (let j = 0; j < n; j++) {
    const v = q[j] as Float64Array;
    for (let k = 0; k < j; k++) {
      const u = q[k] as Float64Array;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += (u[i] as number) * (v[i] as number);
      for (let i = 0; i < m; i++) v[i] = (v[i] as number) - dot * (u[i] as number);
    }
    let squares = 0;
    for (let i = 0; i < m; i++) squares += (v[i] as number) ** 2;
    const norm = Math.sqrt(squares);
    for (let i = 0; i < m; i++) v[i] = (v[i] as number) / norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = g * (tall ? ((q[c] as Float64Array)[r] as number) : ((q[r] as Float64Array)[c] as number));
  }
  return fromValues(t, out);
}
