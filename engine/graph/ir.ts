import type * as tf from "@tensorflow/tfjs-core";
import type { OpAttrs, TensorType } from "../ops/record";
import type { SourceLocation } from "../../shared/location";

/**
 * A small IR in the manner of torch.fx: a list of nodes in execution order, five kinds of node.
 * `input` and `parameter` nodes are the graph's arguments (parameters carry their values),
 * `constant` nodes hold values created while tracing, `call` nodes run a registered op, and the
 * single `output` node lists what the graph returns.
 */
export type NodeKind = "input" | "parameter" | "constant" | "call" | "output";

export type { TensorType } from "../ops/record";

/** One value flowing along an edge: output `index` of `node`. */
export interface Value {
  node: Node;
  index: number;
}

export interface Node {
  readonly id: number;
  /** Unique within the graph and readable: "x", "fc.weight", "linear_2". */
  name: string;
  kind: NodeKind;
  /** The registered op for `call` nodes; the kind otherwise. */
  op: string;
  /** Arguments by position; null where an optional input (a bias) is absent. */
  inputs: (Value | null)[];
  attrs: OpAttrs;
  /** Types of the node's outputs (one for all but multi-output ops). */
  types: TensorType[];
  /** Dotted path of the module the op ran in ("layer1.0.conv1"), null at the top level. */
  module: string | null;
  /** Where in the user's source the op was called. */
  location: SourceLocation | null;
  /** Values of parameter and constant nodes, kept alive by the graph. */
  value: tf.Tensor | null;
  /** Names of the graph outputs, on the output node. */
  outputNames?: string[];
}

export interface NodeInit {
  kind: NodeKind;
  op: string;
  name: string;
  inputs?: (Value | null)[];
  attrs?: OpAttrs;
  types: TensorType[];
  module?: string | null;
  location?: SourceLocation | null;
  value?: tf.Tensor | null;
  outputNames?: string[];
}

export class Graph {
  nodes: Node[] = [];
  private nextId = 0;
  private readonly taken = new Set<string>();

  /** A fresh name based on `base`: linear, linear_1, linear_2... */
  uniqueName(base: string): string {
    const clean = base.replace(/[^\w.]/g, "_");
    let name = clean;
    for (let i = 1; this.taken.has(name); i++) name = `${clean}_${i}`;
    return name;
  }

  add(init: NodeInit, before?: Node): Node {
    const node: Node = {
      id: this.nextId++,
      name: this.uniqueName(init.name),
      kind: init.kind,
      op: init.op,
      inputs: init.inputs ?? [],
      attrs: init.attrs ?? {},
      types: init.types,
      module: init.module ?? null,
      location: init.location ?? null,
      value: init.value ?? null,
      ...(init.outputNames ? { outputNames: init.outputNames } : {}),
    };
    this.taken.add(node.name);
    const at = before ? this.nodes.indexOf(before) : -1;
    if (at >= 0) this.nodes.splice(at, 0, node);
    else this.nodes.push(node);
    return node;
  }

  remove(node: Node): void {
    this.nodes = this.nodes.filter((n) => n !== node);
    this.taken.delete(node.name);
  }

  get inputNodes(): Node[] {
    return this.nodes.filter((n) => n.kind === "input");
  }

  get outputNode(): Node {
    const out = this.nodes.find((n) => n.kind === "output");
    if (!out) throw new Error("graph has no output node");
    return out;
  }

  /** Nodes that read any output of `node`. */
  users(node: Node): Node[] {
    return this.nodes.filter((n) => n.inputs.some((v) => v?.node === node));
  }

  /** Points every use of `from` at `to` instead. */
  replaceAllUses(from: Value, to: Value): void {
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((v) => (v && v.node === from.node && v.index === from.index ? to : v));
    }
  }

  /** Frees the parameter and constant values the graph holds. */
  dispose(): void {
    for (const n of this.nodes) n.value?.dispose();
  }

  callCount(): number {
    return this.nodes.filter((n) => n.kind === "call").length;
  }
}

export const valueName = (v: Value | null): string => (v === null ? "None" : v.node.types.length > 1 ? `${v.node.name}[${v.index}]` : v.node.name);

export function typeOf(v: Value): TensorType {
  const t = v.node.types[v.index];
  if (!t) throw new Error(`${v.node.name} has no output ${v.index}`);
  return t;
}
