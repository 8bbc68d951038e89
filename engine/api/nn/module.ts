import * as tf from "@tensorflow/tfjs-core";
import { inspect } from "node:util";
import { callModule } from "../../eager/dispatch";
import { ApiError, formatShape } from "../errors";
import { Parameter } from "../parameter";
import { Tensor } from "../tensor";

/**
 * Module instances are callable, `this.fc(x)`, as in PyTorch. The call signature is `forward`'s own,
 * so a wrong argument is a type error at the user's line.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the constructor returns a callable, which this declares
export interface Module {
  (...args: Parameters<this["forward"]>): ReturnType<this["forward"]>;
}

export interface LoadResult {
  missing_keys: string[];
  unexpected_keys: string[];
}

/**
 * Base class for models and layers. Parameters, buffers and submodules are found from fields:
 * a Parameter is a parameter, a Module a submodule, any other Tensor a buffer (saved in state_dict).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Module {
  /** PyTorch's training flag. Tandem runs inference, so runners call eval(). */
  declare training: boolean;

  constructor() {
    // Return a function carrying this class's prototype: subclass fields land on it and `m(x)` works.
    const callable = ((...args: unknown[]) => callModule(callable, args)) as unknown as Module;
    // Functions have own `name` and `length`; drop them so fields and getters by those names work.
    delete (callable as { name?: string }).name;
    delete (callable as { length?: number }).length;
    Object.setPrototypeOf(callable, new.target.prototype);
    // Field initialisers of this base class would land on the discarded `this`: set state here.
    callable.training = false;
    return callable;
  }

  /**
   * Subclasses define it with their own parameters. `never[]` here lets any subclass stand where a
   * Module is expected while `this.fc(x)` still checks x against the subclass's forward.
   */
  forward(..._args: never[]): unknown {
    throw new ApiError(`${this.constructor.name} is missing the required forward() method`);
  }

  /** Own fields that are parameters, buffers or submodules, in definition order. */
  private fields(): [string, unknown][] {
    return Object.keys(this).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  named_children(): [string, Module][] {
    return this.fields().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.named_children().map(([, m]) => m);
  }

  /**
   * This module and every submodule, pre-order, with dotted paths ("" for the root). A submodule
   * reachable by two paths (shared) is listed once, as in PyTorch, unless removeDuplicate is false.
   */
  named_modules(prefix = "", removeDuplicate = true): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, path: string) => {
      if (removeDuplicate && seen.has(m)) return;
      seen.add(m);
      out.push([path, m]);
      for (const [name, child] of m.named_children()) visit(child, path ? `${path}.${name}` : name);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.named_modules().map(([, m]) => m);
  }

  private ownParameters(): [string, Parameter][] {
    return this.fields().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  private ownBuffers(): [string, Tensor][] {
    return this.fields().filter((e): e is [string, Tensor] => e[1] instanceof Tensor && !(e[1] instanceof Parameter));
  }

  /** PyTorch's order: each module's own parameters, then its children's, depth first. */
  named_parameters(prefix = ""): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [path, m] of this.named_modules(prefix)) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue; // a shared (tied) weight is listed once, as in PyTorch
        seen.add(p);
        out.push([path ? `${path}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.named_parameters().map(([, p]) => p);
  }

  named_buffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.named_modules(prefix)) {
      for (const [name, b] of m.ownBuffers()) out.push([path ? `${path}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.named_buffers().map(([, b]) => b);
  }

  /** Number of parameter elements (each shared weight counted once). */
  num_parameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel(), 0);
  }

  /** Parameters and buffers by dotted name, PyTorch's keys. */
  state_dict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    // Every path, shared modules included: PyTorch saves a tied weight under each of its names.
    for (const [path, m] of this.named_modules("", false)) {
      const entries: [string, Tensor][] = [...m.ownParameters(), ...m.ownBuffers()];
      for (const [name, t] of entries) out[path ? `${path}.${name}` : name] = t;
    }
    return out;
  }

  /** Copies values in from a state dict; with strict (the default) missing or extra keys are an error. */
  load_state_dict(state: Readonly<Record<string, Tensor>>, options: { strict?: boolean } = {}): LoadResult {
    const strict = options.strict ?? true;
    const targets = new Map<string, [Module, string, Tensor]>();
    for (const [path, m] of this.named_modules("", false)) {
      for (const [name, t] of [...m.ownParameters(), ...m.ownBuffers()]) targets.set(path ? `${path}.${name}` : name, [m, name, t]);
    }
    const missing = [...targets.keys()].filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !targets.has(k));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(", ")}.`);
    if (strict && unexpected.length) problems.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(", ")}.`);
    for (const [key, [, , current]] of targets) {
      const incoming = state[key];
      if (incoming && incoming.rawShape.join() !== current.rawShape.join()) {
        problems.push(`size mismatch for ${key}: copying a param with shape ${formatShape(incoming.rawShape)}, the shape in current model is ${formatShape(current.rawShape)}.`);
      }
    }
    if (problems.length) throw new ApiError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join("\n\t")}`);
    for (const [key, [, , current]] of targets) {
      const incoming = state[key];
      if (!incoming) continue;
      // In place, as PyTorch's copy_: references taken before the load see the new values.
      current.assign(tf.tidy(() => tf.cast(incoming.raw, current.dtype)));
    }
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  register_buffer(name: string, tensor: Tensor): void {
    (this as unknown as Record<string, Tensor>)[name] = tensor;
  }

  register_parameter(name: string, param: Parameter | null): void {
    (this as unknown as Record<string, Parameter | null>)[name] = param;
  }

  add_module(name: string, module: Module): void {
    (this as unknown as Record<string, Module>)[name] = module;
  }

  /** The part inside the parentheses of this module's printed form, as PyTorch's extra_repr. */
  extra_repr(): string {
    return "";
  }

  /** PyTorch's module printout: one line per leaf, children indented under their parent. */
  toString(): string {
    const extra = this.extra_repr();
    const children = this.named_children();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = [...(extra ? extra.split("\n") : []), ...children.map(([name, m]) => `(${name}): ${String(m)}`)];
    return `${this.constructor.name}(\n${lines.map((l) => `  ${l.split("\n").join("\n  ")}`).join("\n")}\n)`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
