import { linear } from "../functional/linear";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { defaultLayerInit } from "./init";
import { Module } from "./module";
import { py } from "./repr";

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in_features: number,
    readonly out_features: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    const init = defaultLayerInit([out_features, in_features], options.bias ?? true);
    this.weight = init.weight;
    this.bias = init.bias;
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${py(this.bias !== null)}`;
  }
}
