import { type AvgPool2dOptions, type MaxPool2dOptions, adaptive_avg_pool2d, avg_pool2d, max_pool2d } from "../functional/pool";
import type { IntPair } from "../functional/pair";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export class MaxPool2d extends Module {
  constructor(
    readonly kernel_size: IntPair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return max_pool2d(x, this.kernel_size, this.options); }
  override extra_repr(): string {
    return `kernel_size=${JSON.stringify(this.kernel_size)}, stride=${JSON.stringify(this.options.stride ?? this.kernel_size)}, padding=${JSON.stringify(this.options.padding ?? 0)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernel_size: IntPair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return avg_pool2d(x, this.kernel_size, this.options); }
  override extra_repr(): string {
    return `kernel_size=${JSON.stringify(this.kernel_size)}, stride=${JSON.stringify(this.options.stride ?? this.kernel_size)}, padding=${JSON.stringify(this.options.padding ?? 0)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly output_size: number | readonly (number | null)[]) {
    super();
  }
  override forward(x: Tensor): Tensor { return adaptive_avg_pool2d(x, this.output_size); }
  override extra_repr(): string { return `output_size=${JSON.stringify(this.output_size)}`; }
}
