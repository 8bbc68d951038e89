import type * as tf from "@tensorflow/tfjs-core";

export type AttrValue = number | boolean | string | null | readonly number[] | readonly (readonly number[])[];
export type OpAttrs = Readonly<Record<string, AttrValue | undefined>>;

/** Raw inputs in, raw outputs out; `null` where an optional input (a bias) is absent. */
export type Kernel = (inputs: readonly (tf.Tensor | null)[], attrs: OpAttrs) => tf.Tensor | tf.Tensor[];

/**
 * One op: its name, as the IR, the profiler and the exporter know it, and the kernel that computes
 * it from raw tensors and attributes alone. Eager mode calls the kernel after the API has checked
 * the arguments; the compiled graph plan calls the same kernel without the checks.
 */
export interface OpDef {
  readonly name: string;
  readonly kernel: Kernel;
  /**
   * Inputs the kernel wants permuted from PyTorch's layout (Linear's weight as [in, out], Conv2d's
   * as HWIO). Eager mode keeps a Parameter in that layout; a graph plan permutes constants once.
   */
  readonly layouts?: Readonly<Record<number, readonly number[]>>;
}

const registry = new Map<string, OpDef>();

export function defineOp(def: OpDef): OpDef {
  if (registry.has(def.name)) throw new Error(`op ${def.name} is defined twice`);
  registry.set(def.name, def);
  return def;
}

export function getOp(name: string): OpDef {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown op "${name}"`);
  return def;
}

export function opNames(): string[] {
  return [...registry.keys()].sort();
}
