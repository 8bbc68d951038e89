/** The nn modules of the activations in functional/activations.ts, with PyTorch's constructor arguments. */
import { type InplaceOption, elu, glu, hardsigmoid, hardswish, hardtanh, leaky_relu, mish, relu6, softplus } from "../functional/activations";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

/** nn.LeakyReLU(negative_slope=0.01, inplace=False), positionally or as an options object. */
export class LeakyReLU extends Module {
  readonly negative_slope: number;
  constructor(negativeSlope: number | (InplaceOption & { negative_slope?: number }) = 0.01, _inplace = false) {
    super();
    this.negative_slope = typeof negativeSlope === "number" ? negativeSlope : (negativeSlope.negative_slope ?? 0.01);
  }
  override forward(x: Tensor): Tensor { return leaky_relu(x, this.negative_slope); }
  override extra_repr(): string { return `negative_slope=${py(this.negative_slope)}`; }
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha: number | (InplaceOption & { alpha?: number }) = 1, _inplace = false) {
    super();
    this.alpha = typeof alpha === "number" ? alpha : (alpha.alpha ?? 1);
  }
  override forward(x: Tensor): Tensor { return elu(x, { alpha: this.alpha }); }
  override extra_repr(): string { return `alpha=${py(this.alpha)}`; }
}

/**
 * A module with no arguments but PyTorch's optional `inplace` (tensors are immutable here: same
 * results). A named base rather than a class factory, which the editor's API declarations cannot emit.
 */
export abstract class ArgumentlessActivation extends Module {
  constructor(_inplace: boolean | InplaceOption = false) {
    super();
  }
}

export class ReLU6 extends ArgumentlessActivation {
  override forward(x: Tensor): Tensor { return relu6(x); }
}

export class Hardswish extends ArgumentlessActivation {
  override forward(x: Tensor): Tensor { return hardswish(x); }
}

export class Hardsigmoid extends ArgumentlessActivation {
  override forward(x: Tensor): Tensor { return hardsigmoid(x); }
}

export class Mish extends ArgumentlessActivation {
  override forward(x: Tensor): Tensor { return mish(x); }
}

export class Hardtanh extends Module {
  readonly min_val: number;
  readonly max_val: number;
  constructor(minVal: number | { min_val?: number; max_val?: number; inplace?: boolean } = -1, maxVal = 1) {
    super();
    [this.min_val, this.max_val] = typeof minVal === "number" ? [minVal, maxVal] : [minVal.min_val ?? -1, minVal.max_val ?? 1];
  }
  override forward(x: Tensor): Tensor { return hardtanh(x, { min_val: this.min_val, max_val: this.max_val }); }
  override extra_repr(): string { return `min_val=${py(this.min_val)}, max_val=${py(this.max_val)}`; }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta: number | { beta?: number; threshold?: number } = 1, threshold = 20) {
    super();
    [this.beta, this.threshold] = typeof beta === "number" ? [beta, threshold] : [beta.beta ?? 1, beta.threshold ?? 20];
  }
  override forward(x: Tensor): Tensor { return softplus(x, { beta: this.beta, threshold: this.threshold }); }
  override extra_repr(): string { return `beta=${py(this.beta)}, threshold=${py(this.threshold)}`; }
}

export class GLU extends Module {
  readonly dim: number;
  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = typeof dim === "number" ? dim : (dim.dim ?? -1);
  }
  override forward(x: Tensor): Tensor { return glu(x, this.dim); }
  override extra_repr(): string { return `dim=${this.dim}`; }
}
