import { unflatten } from "../ops/rearrange";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

/** nn.Unflatten(dim, unflattened_size): dim split into the given sizes (one may be -1). */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly unflattened_size: readonly number[],
  ) {
    super();
  }
  override forward(x: Tensor): Tensor { return unflatten(x, this.dim, this.unflattened_size); }
  override extra_repr(): string { return `dim=${this.dim}, unflattened_size=${py(this.unflattened_size)}`; }
}
