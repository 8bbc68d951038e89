import { dropout } from "../functional/dropout";
import { type InplaceArg, inplaceFlag } from "../functional/inplace";
import { type GeluOptions, gelu, relu, sigmoid, silu, tanh } from "../ops/elementwise";
import { softmax } from "../ops/reduce";
import { flatten } from "../ops/shape";
import type { Tensor } from "../tensor";
import { Module } from "./module";
import { py } from "./repr";

/** `new nn.ReLU()`, `new nn.ReLU(true)` or `new nn.ReLU({ inplace: true })`: see functional/inplace.ts for inplace. */
export class ReLU extends Module {
  readonly inplace: boolean;
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag(inplace);
  }
  override forward(x: Tensor): Tensor { return relu(x); }
  override extra_repr(): string { return this.inplace ? "inplace=True" : ""; }
}

export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? "none";
  }
  override forward(x: Tensor): Tensor { return gelu(x, { approximate: this.approximate }); }
  override extra_repr(): string { return `approximate='${this.approximate}'`; }
}

export class SiLU extends Module {
  readonly inplace: boolean;
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag(inplace);
  }
  override forward(x: Tensor): Tensor { return silu(x); }
  override extra_repr(): string { return this.inplace ? "inplace=True" : ""; }
}

export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return sigmoid(x); }
}

export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return tanh(x); }
}

export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = typeof dim === "number" ? dim : (dim.dim ?? -1);
  }
  override forward(x: Tensor): Tensor { return softmax(x, this.dim); }
  override extra_repr(): string { return `dim=${this.dim}`; }
}

export class Identity extends Module {
  override forward(x: Tensor): Tensor { return x; }
}

/** Identity in eval mode, which is the only mode Tandem runs unless a model calls train(). */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  /** `new nn.Dropout(0.1)`, `new nn.Dropout(0.1, true)` or `new nn.Dropout({ p: 0.1, inplace: true })`. */
  constructor(p: number | { p?: number; inplace?: boolean } = 0.5, inplace = false) {
    super();
    this.p = typeof p === "number" ? p : (p.p ?? 0.5);
    this.inplace = typeof p === "number" ? inplace : (p.inplace ?? false);
  }
  override forward(x: Tensor): Tensor { return dropout(x, { p: this.p, training: this.training }); }
  override extra_repr(): string { return `p=${py(this.p)}, inplace=${py(this.inplace)}`; }
}

export class Flatten extends Module {
  readonly start_dim: number;
  readonly end_dim: number;
  constructor(startDim: number | { start_dim?: number; end_dim?: number } = 1, endDim = -1) {
    super();
    if (typeof startDim === "object") {
      this.start_dim = startDim.start_dim ?? 1;
      this.end_dim = startDim.end_dim ?? -1;
    } else {
      this.start_dim = startDim;
      this.end_dim = endDim;
    }
  }
  override forward(x: Tensor): Tensor { return flatten(x, this.start_dim, this.end_dim); }
  override extra_repr(): string { return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`; }
}
