import { type InterpolateOptions, interpolate } from "../functional/interpolate";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

/** PyTorch keeps scale factors as floats: 2 prints as 2.0. */
const float = (v: number): string => (Number.isInteger(v) ? `${v}.0` : py(v));
const pyValue = (v: number | readonly number[], asFloat: boolean): string =>
  typeof v === "number" ? (asFloat ? float(v) : String(v)) : `(${v.map((x) => (asFloat ? float(x) : String(x))).join(", ")})`;

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
    if (o.scale_factor !== undefined && o.scale_factor !== null) parts.push(`scale_factor=${pyValue(o.scale_factor, true)}`);
    else if (o.size !== undefined && o.size !== null) parts.push(`size=${pyValue(o.size, false)}`);
    parts.push(`mode=${o.mode ?? "nearest"}`);
    return parts.join(", ");
  }
}
