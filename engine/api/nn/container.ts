import { ApiError } from "../errors";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** Registers `modules` under "0", "1", ... so state_dict keys read `layers.0.weight` as in PyTorch. */
function numbered(owner: Module, modules: readonly Module[], what: string): void {
  modules.forEach((m, i) => {
    if (!(m instanceof Module)) throw new ApiError(`${what}: item ${i} is not an nn.Module`);
    owner.add_module(String(i), m);
  });
}

function count(owner: Module): number {
  return owner.named_children().length;
}

/**
 * Modules applied one after another. `new nn.Sequential(a, b, c)` or, for named children,
 * `new nn.Sequential({ conv: ..., relu: ... })` (PyTorch's OrderedDict form).
 */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.add_module(name, m);
    } else {
      numbered(this, modules as Module[], "Sequential");
    }
  }

  /** Typed for the common tensor-to-tensor chain; values of any kind pass through at run time. */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = (m as unknown as (arg: unknown) => unknown)(x);
    return x as Tensor;
  }

  override get length(): number {
    return count(this);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** A list of submodules that is registered (its parameters are found) and iterable; it has no forward. */
export class ModuleList<M extends Module = Module> extends Module {
  [index: number]: M;

  constructor(modules: Iterable<M> = []) {
    super();
    numbered(this, [...modules], "ModuleList");
  }

  override get length(): number {
    return count(this);
  }

  append(module: M): this {
    if (!(module instanceof Module)) throw new ApiError("ModuleList.append: the item is not an nn.Module");
    this.add_module(String(this.length), module);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  override forward(): never {
    throw new ApiError("ModuleList has no forward(): iterate over it in your own forward");
  }
}
