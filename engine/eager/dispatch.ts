import type * as tf from "@tensorflow/tfjs-core";
import { Tensor } from "../api/tensor";
import { OpError } from "../api/errors";

export type AttrValue = number | boolean | string | null | readonly number[] | readonly (readonly number[])[];
export type OpAttrs = Readonly<Record<string, AttrValue | undefined>>;

/**
 * Sees every op the model runs and every time user code reads a tensor's values. The eager
 * profiler and the graph tracer are observers; with none installed dispatch costs one null check.
 */
export interface OpObserver {
  op(name: string, inputs: readonly Tensor[], attrs: OpAttrs, outputs: readonly Tensor[]): void;
  read(tensor: Tensor, how: "item" | "toArray" | "toPrimitive"): void;
  /** Brackets a module call (`this.fc(x)`), so ops can be attributed to module paths. */
  enterModule?(module: object): void;
  exitModule?(module: object): void;
}

interface Callable {
  forward(...args: never[]): unknown;
}

/** What `module(x)` does: forward, bracketed for the observer when there is one. */
export function callModule(module: Callable, args: unknown[]): unknown {
  const o = observer;
  const forward = module.forward as (...a: unknown[]) => unknown;
  if (o === null) return forward.apply(module, args);
  o.enterModule?.(module);
  try {
    return forward.apply(module, args);
  } finally {
    o.exitModule?.(module);
  }
}

let observer: OpObserver | null = null;

/** Installs `next` and returns the observer it replaced, so callers can restore it. */
export function setOpObserver(next: OpObserver | null): OpObserver | null {
  const previous = observer;
  observer = next;
  return previous;
}

export function notifyRead(tensor: Tensor, how: "item" | "toArray" | "toPrimitive"): void {
  observer?.read(tensor, how);
}

function wrapKernelError(name: string, inputs: readonly Tensor[], error: unknown): unknown {
  if (error instanceof OpError || !(error instanceof Error)) return error;
  // tfjs prefixes its own op name ("Error in matMul: ..."); ours is the one the user called.
  const detail = error.message.replace(/^Error in [\w.]+:\s*/, "");
  return new OpError(name, inputs.map((t) => t.shape), detail);
}

/** Runs one op's kernel and wraps its result; every Tandem op goes through here or `opMulti`. */
export function op(name: string, inputs: readonly Tensor[], attrs: OpAttrs, kernel: () => tf.Tensor): Tensor {
  let raw: tf.Tensor;
  try {
    raw = kernel();
  } catch (error) {
    throw wrapKernelError(name, inputs, error);
  }
  const out = new Tensor(raw);
  observer?.op(name, inputs, attrs, [out]);
  return out;
}

export function opMulti(
  name: string,
  inputs: readonly Tensor[],
  attrs: OpAttrs,
  kernel: () => tf.Tensor[],
): Tensor[] {
  let raws: tf.Tensor[];
  try {
    raws = kernel();
  } catch (error) {
    throw wrapKernelError(name, inputs, error);
  }
  const outs = raws.map((raw) => new Tensor(raw));
  observer?.op(name, inputs, attrs, outs);
  return outs;
}
