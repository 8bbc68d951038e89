/** nn.GroupNorm, nn.InstanceNorm2d and nn.RMSNorm: modules over the composites in functional/norm-composite. */
import { group_norm, instance_norm, rms_norm } from "../functional/norm-composite";
import { ApiError, OpError } from "../errors";
import type { Parameter } from "../parameter";
import { squeeze, unsqueeze } from "../ops/shape";
import type { Tensor } from "../tensor";
import { constantParameter } from "./init";
import { Module } from "./module";
import { RunningStatsNorm } from "./normalization";
import { py } from "./repr";

export interface GroupNormLayerOptions {
  eps?: number;
  affine?: boolean;
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;

  constructor(
    readonly num_groups: number,
    readonly num_channels: number,
    options: GroupNormLayerOptions = {},
  ) {
    super();
    if (num_channels % num_groups !== 0) throw new ApiError("num_channels must be divisible by num_groups");
    this.eps = options.eps ?? 1e-5;
    const affine = options.affine ?? true;
    this.weight = affine ? constantParameter([num_channels], 1) : null;
    this.bias = affine ? constantParameter([num_channels], 0) : null;
  }

  override forward(x: Tensor): Tensor {
    return group_norm(x, this.num_groups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extra_repr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${py(this.eps)}, affine=${py(this.weight !== null)}`;
  }
}

export interface InstanceNormLayerOptions {
  eps?: number;
  momentum?: number;
  /** False by default, unlike BatchNorm (PyTorch's defaults). */
  affine?: boolean;
  /** False by default: each instance is normalized by its own statistics, in eval mode too. */
  track_running_stats?: boolean;
}

/** InstanceNorm over [N, C, H, W] or an unbatched [C, H, W]. */
export class InstanceNorm2d extends RunningStatsNorm {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, { affine: false, track_running_stats: false });
  }

  override forward(x: Tensor): Tensor {
    if (x.dim() !== 3 && x.dim() !== 4) throw new OpError("InstanceNorm2d", [x.shape], `expected 3D or 4D input (got ${x.dim()}D input)`);
    const batched = x.dim() === 4 ? x : unsqueeze(x, 0);
    // PyTorch: running statistics are used only when tracked and not training.
    const useInputStats = this.training || this.running_mean === null;
    const y = instance_norm(batched, {
      running_mean: this.running_mean,
      running_var: this.running_var,
      weight: this.weight,
      bias: this.bias,
      use_input_stats: useInputStats,
      momentum: this.momentum,
      eps: this.eps,
    });
    return x.dim() === 4 ? y : squeeze(y, 0);
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${py(this.eps)}, momentum=${py(this.momentum)}, affine=${py(this.weight !== null)}, track_running_stats=${py(this.running_mean !== null)}`;
  }
}

export interface RMSNormLayerOptions {
  /** null (the default): float32's machine epsilon. */
  eps?: number | null;
  elementwise_affine?: boolean;
}

/** nn.RMSNorm as PyTorch 2.4 defines it: x * rsqrt(mean(x², last dims) + eps) * weight. */
export class RMSNorm extends Module {
  weight: Parameter | null;
  readonly normalized_shape: number[];
  readonly eps: number | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormLayerOptions = {}) {
    super();
    this.normalized_shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? null;
    this.weight = (options.elementwise_affine ?? true) ? constantParameter(this.normalized_shape, 1) : null;
  }

  override forward(x: Tensor): Tensor {
    return rms_norm(x, this.normalized_shape, { weight: this.weight, eps: this.eps });
  }

  override extra_repr(): string {
    return `(${this.normalized_shape.join(", ")},), eps=${py(this.eps)}, elementwise_affine=${py(this.weight !== null)}`;
  }
}
