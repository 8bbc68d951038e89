import { type InterpolateOptions, interpolate } from "../functional/interpolate";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

const pyValue = (v: number | readonly number[]): string => (typeof v === "number" ? String(v) : py(v));

/** nn.Upsample: F.interpolate with the options fixed at construction. */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions = {}) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  override extra_repr(): string {
    const o = this.options;
    const parts: string[] = [];
    if (o.scale_factor !== undefined && o.scale_factor !== null) parts.push(`scale_factor=${pyValue(o.scale_factor)}`);
    else if (o.size !== undefined && o.size !== null) parts.push(`size=${pyValue(o.size)}`);
    parts.push(`mode=${o.mode ?? "nearest"}`);
    return parts.join(", ");
  }
}
