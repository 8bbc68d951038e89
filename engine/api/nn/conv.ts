import { type Conv2dOptions, conv2d } from "../functional/conv";
import { type IntPair, pair } from "../functional/pair";
import { ApiError } from "../errors";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { defaultLayerInit } from "./init";
import { Module } from "./module";

export interface Conv2dLayerOptions extends Conv2dOptions {
  bias?: boolean;
  padding_mode?: "zeros";
}

export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernel_size: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | "same" | "valid";
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    kernelSize: IntPair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    this.kernel_size = pair(kernelSize, "Conv2d kernel_size");
    this.stride = pair(options.stride ?? 1, "Conv2d stride");
    const p = options.padding ?? 0;
    this.padding = p === "same" || p === "valid" ? p : pair(p, "Conv2d padding");
    this.dilation = pair(options.dilation ?? 1, "Conv2d dilation");
    this.groups = options.groups ?? 1;
    if ((options.padding_mode ?? "zeros") !== "zeros") throw new ApiError(`Conv2d: only padding_mode "zeros" is supported`);
    if (in_channels % this.groups !== 0 || out_channels % this.groups !== 0) {
      throw new ApiError(`Conv2d: in_channels (${in_channels}) and out_channels (${out_channels}) must be divisible by groups (${this.groups})`);
    }
    const init = defaultLayerInit([out_channels, in_channels / this.groups, ...this.kernel_size], options.bias ?? true);
    this.weight = init.weight;
    this.bias = init.bias;
  }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extra_repr(): string {
    const parts = [`${this.in_channels}, ${this.out_channels}, kernel_size=(${this.kernel_size.join(", ")})`, `stride=(${this.stride.join(", ")})`];
    if (typeof this.padding === "string" || this.padding.some((v) => v !== 0)) parts.push(`padding=${typeof this.padding === "string" ? `'${this.padding}'` : `(${this.padding.join(", ")})`}`);
    if (this.dilation.some((v) => v !== 1)) parts.push(`dilation=(${this.dilation.join(", ")})`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=False");
    return parts.join(", ");
  }
}
