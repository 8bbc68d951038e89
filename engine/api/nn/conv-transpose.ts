import { type ConvTranspose1dOptions, type ConvTranspose2dOptions, conv_transpose1d, conv_transpose2d } from "../functional/conv-transpose";
import { single } from "../functional/conv1d";
import { pair } from "../functional/pair";
import { ApiError } from "../errors";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { fans, uniformParameter } from "./init";
import { Module } from "./module";


/**
 * PyTorch's init for ConvTranspose: kaiming_uniform_(a=sqrt(5)) on a weight [in, out/groups, ...k],
 * whose fan-in (dim 1 times the kernel) is out/groups·k; the bias [out] gets the same bound.
 */
function transposedInit(name: string, inC: number, outC: number, groups: number, kernel: readonly number[], bias: boolean, paddingMode: string | undefined) {
  if ((paddingMode ?? "zeros") !== "zeros") throw new ApiError(`${name}: only padding_mode "zeros" is supported`);
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0 || outC % groups !== 0) {
    throw new ApiError(`${name}: in_channels (${inC}) and out_channels (${outC}) must be divisible by groups (${groups})`);
  }
  const shape = [inC, outC / groups, ...kernel];
  const bound = 1 / Math.sqrt(fans(shape).fanIn);
  return { weight: uniformParameter(shape, -bound, bound), bias: bias ? uniformParameter([outC], -bound, bound) : null };
}

const tuple = (v: readonly number[]) => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;

function transposedRepr(m: { in_channels: number; out_channels: number; bias: Parameter | null; groups: number }, k: number[], s: number[], p: number[], op: number[], d: number[]): string {
  const parts = [`${m.in_channels}, ${m.out_channels}, kernel_size=${tuple(k)}`, `stride=${tuple(s)}`];
  if (p.some((v) => v !== 0)) parts.push(`padding=${tuple(p)}`);
  if (op.some((v) => v !== 0)) parts.push(`output_padding=${tuple(op)}`);
  if (d.some((v) => v !== 1)) parts.push(`dilation=${tuple(d)}`);
  if (m.groups !== 1) parts.push(`groups=${m.groups}`);
  if (m.bias === null) parts.push("bias=False");
  return parts.join(", ");
}

export type ConvTranspose2dLayerOptions = ConvTranspose2dOptions & { bias?: boolean; padding_mode?: "zeros" };
export type ConvTranspose1dLayerOptions = ConvTranspose1dOptions & { bias?: boolean; padding_mode?: "zeros" };

/** nn.ConvTranspose2d: weight [in_channels, out_channels/groups, kH, kW], as PyTorch stores it. */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernel_size: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly output_padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    kernelSize: number | readonly number[],
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    this.kernel_size = pair(kernelSize, "ConvTranspose2d kernel_size");
    this.stride = pair(options.stride ?? 1, "ConvTranspose2d stride");
    this.padding = pair(options.padding ?? 0, "ConvTranspose2d padding");
    this.output_padding = pair(options.output_padding ?? 0, "ConvTranspose2d output_padding");
    this.dilation = pair(options.dilation ?? 1, "ConvTranspose2d dilation");
    this.groups = options.groups ?? 1;
    const init = transposedInit("ConvTranspose2d", in_channels, out_channels, this.groups, this.kernel_size, options.bias ?? true, options.padding_mode);
    this.weight = init.weight;
    this.bias = init.bias;
  }

  override forward(x: Tensor): Tensor {
    const { stride, padding, output_padding, groups, dilation } = this;
    return conv_transpose2d(x, this.weight, this.bias, { stride, padding, output_padding, groups, dilation });
  }

  override extra_repr(): string {
    return transposedRepr(this, this.kernel_size, this.stride, this.padding, this.output_padding, this.dilation);
  }
}

/** nn.ConvTranspose1d: weight [in_channels, out_channels/groups, kernel_size]. */
export class ConvTranspose1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernel_size: number;
  readonly stride: number;
  readonly padding: number;
  readonly output_padding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    kernelSize: number | readonly number[],
    options: ConvTranspose1dLayerOptions = {},
  ) {
    super();
    this.kernel_size = single(kernelSize, "ConvTranspose1d kernel_size");
    this.stride = single(options.stride ?? 1, "ConvTranspose1d stride");
    this.padding = single(options.padding ?? 0, "ConvTranspose1d padding");
    this.output_padding = single(options.output_padding ?? 0, "ConvTranspose1d output_padding");
    this.dilation = single(options.dilation ?? 1, "ConvTranspose1d dilation");
    this.groups = options.groups ?? 1;
    const init = transposedInit("ConvTranspose1d", in_channels, out_channels, this.groups, [this.kernel_size], options.bias ?? true, options.padding_mode);
    this.weight = init.weight;
    this.bias = init.bias;
  }

  override forward(x: Tensor): Tensor {
    const { stride, padding, output_padding, groups, dilation } = this;
    return conv_transpose1d(x, this.weight, this.bias, { stride, padding, output_padding, groups, dilation });
  }

  override extra_repr(): string {
    return transposedRepr(this, [this.kernel_size], [this.stride], [this.padding], [this.output_padding], [this.dilation]);
  }
}
