import * as tf from "@tensorflow/tfjs-core";
import { batch_norm, layer_norm } from "../functional/norm";
import { OpError } from "../errors";
import type { Parameter } from "../parameter";
import { Tensor } from "../tensor";
import { constantParameter } from "./init";
import { Module } from "./module";
import { py } from "./repr";

export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  track_running_stats?: boolean;
}

/**
 * The parameters and buffers BatchNorm and InstanceNorm share, with PyTorch's names and order:
 * an optional affine weight and bias, and optional running statistics. Their defaults differ
 * (BatchNorm: both on; InstanceNorm: both off), so each layer passes its own.
 */
export abstract class RunningStatsNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly num_features: number,
    options: BatchNormLayerOptions,
    defaults: { affine: boolean; track_running_stats: boolean },
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? defaults.affine;
    const track = options.track_running_stats ?? defaults.track_running_stats;
    this.weight = affine ? constantParameter([num_features], 1) : null;
    this.bias = affine ? constantParameter([num_features], 0) : null;
    this.running_mean = track ? new Tensor(tf.keep(tf.zeros([num_features]))) : null;
    this.running_var = track ? new Tensor(tf.keep(tf.ones([num_features]))) : null;
    this.num_batches_tracked = track ? new Tensor(tf.keep(tf.scalar(0, "int32"))) : null;
  }
}

/** What BatchNorm1d and BatchNorm2d share; in eval mode (Tandem's) they use the running statistics. */
export abstract class BatchNormBase extends RunningStatsNorm {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, { affine: true, track_running_stats: true });
  }

  /** Throws PyTorch's message when the input's rank is not one this layer takes. */
  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    const useBatchStats = this.training || this.running_mean === null;
    return batch_norm(x, this.running_mean, this.running_var, { weight: this.weight, bias: this.bias, training: useBatchStats, eps: this.eps });
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${py(this.eps)}, momentum=${py(this.momentum)}, affine=${py(this.weight !== null)}, track_running_stats=${py(this.running_mean !== null)}`;
  }
}

/** BatchNorm over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 4) throw new OpError("BatchNorm2d", [x.shape], `expected 4D input (got ${x.dim()}D input)`);
  }
}

/** BatchNorm over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new OpError("BatchNorm1d", [x.shape], `expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}

export interface LayerNormLayerOptions {
  eps?: number;
  elementwise_affine?: boolean;
  bias?: boolean;
}

export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalized_shape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    this.normalized_shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwise_affine ?? true;
    this.weight = affine ? constantParameter(this.normalized_shape, 1) : null;
    this.bias = affine && (options.bias ?? true) ? constantParameter(this.normalized_shape, 0) : null;
  }

  override forward(x: Tensor): Tensor {
    return layer_norm(x, this.normalized_shape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extra_repr(): string {
    return `(${this.normalized_shape.join(", ")},), eps=${py(this.eps)}, elementwise_affine=${py(this.weight !== null)}`;
  }
}
