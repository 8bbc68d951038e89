import type * as tf from "@tensorflow/tfjs-core";
import type { DType } from "../api/dtype";
import type { EmitContext } from "./emit-context";

export type AttrValue = number | boolean | string | null | readonly number[] | readonly (readonly number[])[];
/** An op's attributes: plain data, so they can be stored in the IR, compared by CSE and printed. */
export type OpAttrs = Readonly<Record<string, AttrValue | undefined>>;

export interface TensorType {
  shape: number[];
  dtype: DType;
}

/** One call of an op as the graph sees it: what FLOPs rules and no-op checks read. */
export interface OpCall<A extends OpAttrs = OpAttrs> {
  readonly inputs: readonly (TensorType | null)[];
  readonly outputs: readonly TensorType[];
  readonly attrs: A;
}

/**
 * How an op is written in ONNX: the emitter, and the ONNX op types it becomes (onnxruntime may
 * fuse them into its own, e.g. FusedConv), so profiles map back to the op without a table
 * elsewhere. An op ONNX cannot express says why instead.
 */
export type OnnxForm<A extends OpAttrs> =
  | {
      readonly ops: readonly string[];
      emit(ctx: EmitContext<A>): string | string[];
    }
  | { readonly unsupported: string };

/** "random": the result is not a function of the inputs alone, so it is never merged or folded. */
export type Effect = "pure" | "random";

/** Until the training issue lands a gradient for an op, its record may say why it has none. */
export interface GradRule {
  readonly none: string;
}

/**
 * Everything Tandem knows about one op. Eager dispatch runs `kernel`; the tracer records calls
 * by `name`; the compiled plan runs `kernel` without the API's checks; the passes read `effect`,
 * `noop` and the fusion flags; the exporter calls `onnx.emit`; the FLOPs counter calls `flops`;
 * `tandem ops` and the README list them. Members are methods so that a record with specific
 * attributes is still an `OpDef` in the registry.
 */
export interface OpDef<A extends OpAttrs = OpAttrs> {
  readonly name: string;
  /** One line for `tandem ops`: what it computes, in PyTorch's terms. */
  readonly summary: string;
  /** Raw inputs in, raw outputs out; `null` where an optional input (a bias) is absent. */
  kernel(inputs: readonly (tf.Tensor | null)[], attrs: A): tf.Tensor | tf.Tensor[];
  /**
   * Inputs the kernel wants permuted from PyTorch's layout (Linear's weight as [in, out], Conv2d's
   * as HWIO). Eager mode keeps a Parameter in that layout; a graph plan permutes constants once.
   */
  readonly layouts?: Readonly<Record<number, readonly number[]>>;
  readonly onnx: OnnxForm<A>;
  /** FLOPs of one call, from its types (see engine/ops/flops.ts for the conventions). */
  flops(call: OpCall<A>): number;
  readonly effect: Effect;
  /** Why this call changes nothing (a reshape to the same shape), or null; absent: never a no-op. */
  noop?(call: OpCall<A>): string | null;
  /** An activation that linear's and conv2d's fused kernels can apply (graph fusion). */
  readonly fusableActivation?: boolean;
  /** Takes a fused activation in `attrs.activation` (linear, conv2d). */
  readonly takesActivation?: boolean;
  readonly grad?: GradRule;
}

export type Kernel = OpDef["kernel"];

const registry = new Map<string, OpDef>();

/** Registers an op; its record is the one place that knows it. */
export function defineOp<A extends OpAttrs>(def: OpDef<A>): OpDef<A> {
  if (registry.has(def.name)) throw new Error(`op ${def.name} is defined twice`);
  registry.set(def.name, def as unknown as OpDef);
  onnxToOp = null;
  return def;
}

export function getOp(name: string): OpDef {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown op "${name}"`);
  return def;
}

export function hasOp(name: string): boolean {
  return registry.has(name);
}

/** Every registered op, by name. */
export function allOps(): OpDef[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function opNames(): string[] {
  return allOps().map((d) => d.name);
}

let onnxToOp: Map<string, string> | null = null;

/**
 * The op an ONNX op type (in an onnxruntime profile) stands for: an op whose ONNX form starts
 * with it (Gemm: linear) before one that only uses it on the way (linear's Transpose), the first
 * registered among equals. Types no op lists (onnxruntime's own, e.g. ReorderOutput) come back
 * as they are.
 */
export function opForOnnxType(onnxType: string): string {
  if (onnxToOp === null) {
    const map = new Map<string, string>();
    // Registration order, not allOps()'s alphabetical one: conv2d (registered before conv1d, which
    // builds on its kernel) keeps ONNX's Conv.
    const forms = [...registry.values()].flatMap((def) => ("ops" in def.onnx ? [{ name: def.name, ops: def.onnx.ops }] : []));
    for (const { name, ops } of forms) if (ops[0] !== undefined && !map.has(ops[0])) map.set(ops[0], name);
    for (const { name, ops } of forms) for (const t of ops) if (!map.has(t)) map.set(t, name);
    onnxToOp = map;
  }
  return onnxToOp.get(onnxType) ?? onnxType;
}
