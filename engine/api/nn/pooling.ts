import { type AvgPool2dOptions, type MaxPool2dOptions, adaptive_avg_pool2d, avg_pool2d, max_pool2d } from "../functional/pool";
import type { IntPair } from "../functional/pair";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

type Size = IntPair | null | undefined;
const size = (v: Size, fallback: IntPair): string => {
  const value = v ?? fallback;
  return typeof value === "number" ? String(value) : py(value);
};

function poolRepr(kernel: IntPair, o: MaxPool2dOptions & AvgPool2dOptions): string {
  const parts = [`kernel_size=${size(kernel, kernel)}`, `stride=${size(o.stride, kernel)}`, `padding=${size(o.padding, 0)}`];
  if (o.dilation !== undefined) parts.push(`dilation=${size(o.dilation, 1)}`);
  parts.push(`ceil_mode=${py(o.ceil_mode ?? false)}`);
  return parts.join(", ");
}

export class MaxPool2d extends Module {
  constructor(
    readonly kernel_size: IntPair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return max_pool2d(x, this.kernel_size, this.options); }
  override extra_repr(): string {
    return poolRepr(this.kernel_size, this.options);
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
    return poolRepr(this.kernel_size, this.options);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly output_size: number | readonly (number | null)[]) {
    super();
  }
  override forward(x: Tensor): Tensor { return adaptive_avg_pool2d(x, this.output_size); }
  override extra_repr(): string { return `output_size=${typeof this.output_size === "number" ? this.output_size : py(this.output_size)}`; }
}
