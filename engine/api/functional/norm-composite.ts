/**
 * Normalizations built from existing ops (composites): group_norm, instance_norm, rms_norm and
 * normalize. They trace, export (ReduceMean/Sub/Mul/Sqrt in opset 17, where ONNX has no
 * GroupNormalization before opset 18) and count FLOPs through the ops they call.
 */
import { ApiError, OpError, formatShape, normalizeDim } from "../errors";
import { abs, add, clamp, div, mul, pow, rsqrt, sqrt, sub } from "../ops/elementwise";
import { extremeAlong, mean, sum } from "../ops/reduce";
import { reshape } from "../ops/shape";
import type { Tensor } from "../tensor";
import { batch_norm } from "./norm";

/** (x - mean) / sqrt(var + eps) over `dims` (biased variance, as every PyTorch normalization). */
function standardize(x: Tensor, dims: number[], eps: number): Tensor {
  const centred = sub(x, mean(x, dims, true));
  const variance = mean(mul(centred, centred), dims, true);
  return mul(centred, rsqrt(add(variance, eps)));
}

/** Multiplies by weight and adds bias, each of shape [C], along dim 1 of an [N, C, ...] tensor. */
function perChannelAffine(y: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const shape = [1, -1, ...Array<number>(Math.max(0, y.dim() - 2)).fill(1)];
  let out = y;
  if (weight) out = mul(out, reshape(weight, shape));
  if (bias) out = add(out, reshape(bias, shape));
  return out;
}

function checkChannelVector(op: string, x: Tensor, name: string, t: Tensor | null): void {
  const channels = x.shape[1] as number;
  if (t && (t.dim() !== 1 || t.shape[0] !== channels)) {
    throw new OpError(op, [x.shape, t.shape], `Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${formatShape(t.shape)} and input of shape ${formatShape(x.shape)}`);
  }
}

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** torch.nn.functional.group_norm: statistics over each group of C / num_groups channels and all spatial dims. */
export function group_norm(x: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  if (x.dim() < 2) throw new OpError("group_norm", [x.shape], `Expected at least 2 dimensions for input tensor but received ${x.dim()}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new OpError("group_norm", [x.shape], `Expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(x.shape)} and num_groups=${numGroups}`);
  }
  checkChannelVector("group_norm", x, "weight", weight);
  checkChannelVector("group_norm", x, "bias", bias);
  const grouped = reshape(x, [n, numGroups, -1]);
  const y = reshape(standardize(grouped, [2], eps), x.shape);
  return perChannelAffine(y, weight, bias);
}

export interface InstanceNormOptions {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** True (the default): each instance's own statistics; false: the running statistics, as batch_norm in eval. */
  use_input_stats?: boolean;
  /** Accepted for PyTorch's signature: Tandem runs inference and does not update running statistics. */
  momentum?: number;
  eps?: number;
}

/** torch.nn.functional.instance_norm: statistics per sample and channel over the spatial dims. */
export function instance_norm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  const { running_mean = null, running_var = null, weight = null, bias = null, use_input_stats = true, eps = 1e-5 } = options;
  if (x.dim() < 2) throw new OpError("instance_norm", [x.shape], `Expected at least 2 dimensions for input tensor but received ${x.dim()}`);
  checkChannelVector("instance_norm", x, "weight", weight);
  checkChannelVector("instance_norm", x, "bias", bias);
  if (!use_input_stats) {
    if (!running_mean || !running_var) throw new OpError("instance_norm", [x.shape], "Expected running_mean and running_var to be defined when use_input_stats is false");
    return batch_norm(x, running_mean, running_var, { weight, bias, training: false, eps });
  }
  const spatial = x.shape.slice(2).reduce((a, b) => a * b, 1);
  if (spatial === 1) throw new OpError("instance_norm", [x.shape], `Expected more than 1 spatial element when training, got input size ${formatShape(x.shape)}`);
  const dims = Array.from({ length: x.dim() - 2 }, (_, i) => i + 2);
  return perChannelAffine(standardize(x, dims, eps), weight, bias);
}

export interface RmsNormOptions {
  weight?: Tensor | null;
  /** null (the default): float32's machine epsilon, as torch.finfo(torch.float32).eps. */
  eps?: number | null;
}

/** float32's machine epsilon, RMSNorm's default eps in PyTorch 2.4. */
export const FLOAT32_EPS = 2 ** -23;

/** torch.nn.functional.rms_norm (PyTorch 2.4): x * rsqrt(mean(x², last dims) + eps) * weight. */
export function rms_norm(x: Tensor, normalizedShape: number | readonly number[], options: RmsNormOptions = {}): Tensor {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const { weight = null } = options;
  const eps = options.eps ?? FLOAT32_EPS;
  const tail = x.shape.slice(x.dim() - shape.length);
  if (shape.length > x.dim() || tail.some((d, i) => d !== shape[i])) {
    throw new OpError("rms_norm", [x.shape], `normalized_shape ${formatShape(shape)} does not match the input's last ${shape.length} dim(s) ${formatShape(tail)}`);
  }
  if (weight && (weight.dim() !== shape.length || weight.shape.some((d, i) => d !== shape[i]))) {
    throw new OpError("rms_norm", [x.shape, weight.shape], `weight must have shape ${formatShape(shape)}`);
  }
  const dims = Array.from({ length: shape.length }, (_, i) => x.dim() - shape.length + i);
  const y = mul(x, rsqrt(add(mean(mul(x, x), dims, true), eps)));
  return weight ? mul(y, weight) : y;
}

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}

/** The p-norm along `dim`, keepdim: Tensor.norm(p, dim, keepdim=True) for the p normalize needs. */
function pNorm(x: Tensor, p: number, dim: number): Tensor {
  if (p === 2) return sqrt(sum(mul(x, x), dim, true));
  if (p === 1) return sum(abs(x), dim, true);
  if (p === Infinity) return extremeAlong("max", abs(x), dim, true).values;
  return pow(sum(pow(abs(x), p), dim, true), 1 / p);
}

/** torch.nn.functional.normalize: x / max(||x||_p along dim, eps). */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  if (!(p > 0)) throw new ApiError(`normalize: p=${p} is not supported by Tandem (p must be positive or Infinity)`);
  const d = normalizeDim(dim, x.dim(), "normalize", x.shape);
  return div(x, clamp(pNorm(x, p, d), eps, null));
}
