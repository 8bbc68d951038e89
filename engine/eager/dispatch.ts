import type * as tf from "@tensorflow/tfjs-core";
import { Tensor } from "../api/tensor";
import { OpError } from "../api/errors";
import { beginOp, endOp } from "./deferred-dispose";
import type { OpAttrs, OpDef } from "../ops/record";

export type { AttrValue, OpAttrs } from "../ops/record";

export type OpInput = Tensor | null;

/**
 * Sees every op the model runs and every time user code reads a tensor's values. The eager
 * profiler and the graph tracer are observers; with none installed dispatch costs one null check.
 */
export interface OpObserver {
  op(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, outputs: readonly Tensor[]): void;
  read(tensor: Tensor, how: ReadKind): void;
  /** A tracer describes tensors symbolically (console.log while tracing); null means "print values". */
  describe?(tensor: Tensor): string | null;
  /** Brackets a module call (`this.fc(x)`), so ops can be attributed to module paths. */
  enterModule?(module: object): void;
  exitModule?(module: object): void;
}

interface Callable {
  forward(...args: never[]): unknown;
}

/**
 * Decides how ops run instead of running them: graph mode's segment executor returns pending
 * outputs for ops a compiled segment will compute, or null to let the op run eagerly (and is told
 * of the result through `after`).
 */
export interface OpInterceptor {
  intercept(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs): Tensor[] | null;
  after(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, outputs: readonly Tensor[]): void;
}

let observer: OpObserver | null = null;
let interceptor: OpInterceptor | null = null;

/** Installs `next` and returns the interceptor it replaced. */
export function setOpInterceptor(next: OpInterceptor | null): OpInterceptor | null {
  const previous = interceptor;
  interceptor = next;
  return previous;
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

/** Installs `next` and returns the observer it replaced, so callers can restore it. */
export function setOpObserver(next: OpObserver | null): OpObserver | null {
  const previous = observer;
  observer = next;
  return previous;
}

export function symbolicDescription(tensor: Tensor): string | null {
  return observer?.describe?.(tensor) ?? null;
}

/** How user code read a tensor's values; "booleanMask" is x.idx(mask), whose shape depends on them. */
export type ReadKind = "item" | "toArray" | "toPrimitive" | "booleanMask";

export function notifyRead(tensor: Tensor, how: ReadKind): void {
  observer?.read(tensor, how);
}

function wrapKernelError(name: string, inputs: readonly OpInput[], error: unknown): unknown {
  if (error instanceof OpError || !(error instanceof Error)) return error;
  // tfjs prefixes its own op name ("Error in matMul: ..."); ours is the one the user called.
  const detail = error.message.replace(/^Error in [\w.]+:\s*/, "");
  const shapes = inputs.filter((t): t is Tensor => t !== null).map((t) => t.rawShape);
  return new OpError(name, shapes, detail);
}

function rawInputs(def: OpDef, inputs: readonly OpInput[]): (tf.Tensor | null)[] {
  const layouts = def.layouts;
  if (!layouts) return inputs.map((t) => (t === null ? null : t.raw));
  return inputs.map((t, i) => {
    if (t === null) return null;
    const perm = layouts[i];
    return perm ? t.inLayout(perm) : t.raw;
  });
}

function run(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs): tf.Tensor | tf.Tensor[] {
  beginOp();
  try {
    return def.kernel(rawInputs(def, inputs), attrs);
  } catch (error) {
    throw wrapKernelError(def.name, inputs, error);
  } finally {
    endOp();
  }
}

/** Runs one op with one output; every Tandem op goes through here or `applyMulti`. */
export function apply<A extends OpAttrs>(record: OpDef<A>, inputs: readonly OpInput[], attrs: A): Tensor {
  const def = record as unknown as OpDef;
  const ic = interceptor;
  if (ic !== null) {
    const deferred = ic.intercept(def, inputs, attrs);
    if (deferred) return deferred[0] as Tensor;
  }
  const out = new Tensor(run(def, inputs, attrs) as tf.Tensor);
  ic?.after(def, inputs, attrs, [out]);
  observer?.op(def, inputs, attrs, [out]);
  return out;
}

export function applyMulti<A extends OpAttrs>(record: OpDef<A>, inputs: readonly OpInput[], attrs: A): Tensor[] {
  const def = record as unknown as OpDef;
  const ic = interceptor;
  if (ic !== null) {
    const deferred = ic.intercept(def, inputs, attrs);
    if (deferred) return deferred;
  }
  const outs = (run(def, inputs, attrs) as tf.Tensor[]).map((raw) => new Tensor(raw));
  ic?.after(def, inputs, attrs, outs);
  observer?.op(def, inputs, attrs, outs);
  return outs;
}
