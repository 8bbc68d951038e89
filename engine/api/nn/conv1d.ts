import { type Conv1dOptions, conv1d, single } from "../functional/conv1d";
import { ApiError } from "../errors";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { defaultLayerInit } from "./init";
import { Module } from "./module";

export interface Conv1dLayerOptions extends Conv1dOptions {
  bias?: boolean;
  padding_mode?: "zeros";
}

/** nn.Conv1d: weight [out_channels, in_channels/groups, kernel_size], PyTorch's default init. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernel_size: number;
  readonly stride: number;
  readonly padding: number | "same" | "valid";
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    kernelSize: number | readonly number[],
    options: Conv1dLayerOptions = {},
  ) {
    super();
    this.kernel_size = single(kernelSize, "Conv1d kernel_size");
    this.stride = single(options.stride ?? 1, "Conv1d stride");
    const p = options.padding ?? 0;
    this.padding = p === "same" || p === "valid" ? p : single(p, "Conv1d padding");
    this.dilation = single(options.dilation ?? 1, "Conv1d dilation");
    this.groups = options.groups ?? 1;
    if ((options.padding_mode ?? "zeros") !== "zeros") throw new ApiError(`Conv1d: only padding_mode "zeros" is supported`);
    if (in_channels % this.groups !== 0 || out_channels % this.groups !== 0) {
      throw new ApiError(`Conv1d: in_channels (${in_channels}) and out_channels (${out_channels}) must be divisible by groups (${this.groups})`);
    }
    const init = defaultLayerInit([out_channels, in_channels / this.groups, this.kernel_size], options.bias ?? true);
    this.weight = init.weight;
    this.bias = init.bias;
  }

  override forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extra_repr(): string {
    const parts = [`${this.in_channels}, ${this.out_channels}, kernel_size=(${this.kernel_size},)`, `stride=(${this.stride},)`];
    if (typeof this.padding === "string") parts.push(`padding='${this.padding}'`);
    else if (this.padding !== 0) parts.push(`padding=(${this.padding},)`);
    if (this.dilation !== 1) parts.push(`dilation=(${this.dilation},)`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=False");
    return parts.join(", ");
  }
}
