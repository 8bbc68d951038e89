import { type PadMode, pad } from "../functional/pad";
import { ApiError } from "../errors";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

/** PyTorch's _ntuple for padding modules: an int pads every side; otherwise (left, right[, top, bottom]). */
function sides(padding: number | readonly number[], count: number, name: string): number[] {
  const list = typeof padding === "number" ? Array<number>(count).fill(padding) : [...padding];
  if (list.length !== count || list.some((p) => !Number.isInteger(p))) {
    throw new ApiError(`${name}: padding must be an int or ${count} ints, got ${JSON.stringify(padding)}`);
  }
  return list;
}

/** The padding modules: F.pad with the sides and mode fixed at construction. */
abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(
    padding: number | readonly number[],
    dims: 1 | 2,
    private readonly mode: PadMode,
    readonly value: number,
    name: string,
  ) {
    super();
    this.padding = sides(padding, 2 * dims, name);
  }
  override forward(x: Tensor): Tensor {
    return pad(x, this.padding, this.mode === "constant" ? { mode: "constant", value: this.value } : { mode: this.mode });
  }
  override extra_repr(): string {
    return this.mode === "constant" && !(this instanceof ZeroPad2d) ? `padding=${py(this.padding)}, value=${Number.isInteger(this.value) ? `${this.value}.0` : py(this.value)}` : py(this.padding);
  }
}

export class ZeroPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 2, "constant", 0, "ZeroPad2d");
  }
}

export class ConstantPad1d extends PadNd {
  constructor(padding: number | readonly number[], value: number) {
    super(padding, 1, "constant", value, "ConstantPad1d");
  }
}

export class ConstantPad2d extends PadNd {
  constructor(padding: number | readonly number[], value: number) {
    super(padding, 2, "constant", value, "ConstantPad2d");
  }
}

export class ReflectionPad1d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 1, "reflect", 0, "ReflectionPad1d");
  }
}

export class ReflectionPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 2, "reflect", 0, "ReflectionPad2d");
  }
}

export class ReplicationPad1d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 1, "replicate", 0, "ReplicationPad1d");
  }
}

export class ReplicationPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 2, "replicate", 0, "ReplicationPad2d");
  }
}
