import { adaptive_max_pool2d } from "../functional/adaptive-max-pool";
import type { IntOrSingle } from "../functional/conv1d";
import { type AvgPool1dOptions, type MaxPool1dOptions, adaptive_avg_pool1d, avg_pool1d, max_pool1d } from "../functional/pool1d";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

const one = (v: IntOrSingle | null | undefined, fallback: IntOrSingle): string => {
  const value = v ?? fallback;
  return typeof value === "number" ? String(value) : py(value);
};

export class MaxPool1d extends Module {
  constructor(
    readonly kernel_size: IntOrSingle,
    readonly options: MaxPool1dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return max_pool1d(x, this.kernel_size, this.options); }
  override extra_repr(): string {
    const o = this.options;
    return `kernel_size=${one(this.kernel_size, 1)}, stride=${one(o.stride, this.kernel_size)}, padding=${one(o.padding, 0)}, dilation=${one(o.dilation, 1)}, ceil_mode=${py(o.ceil_mode ?? false)}`;
  }
}

export class AvgPool1d extends Module {
  constructor(
    readonly kernel_size: IntOrSingle,
    readonly options: AvgPool1dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return avg_pool1d(x, this.kernel_size, this.options); }
  override extra_repr(): string {
    const o = this.options;
    return `kernel_size=(${one(this.kernel_size, 1)},), stride=(${one(o.stride, this.kernel_size)},), padding=(${one(o.padding, 0)},)`;
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly output_size: IntOrSingle) {
    super();
  }
  override forward(x: Tensor): Tensor { return adaptive_avg_pool1d(x, this.output_size); }
  override extra_repr(): string { return `output_size=${one(this.output_size, 1)}`; }
}

export class AdaptiveMaxPool2d extends Module {
  constructor(readonly output_size: number | readonly (number | null)[]) {
    super();
  }
  override forward(x: Tensor): Tensor { return adaptive_max_pool2d(x, this.output_size); }
  override extra_repr(): string { return `output_size=${typeof this.output_size === "number" ? this.output_size : py(this.output_size)}`; }
}
