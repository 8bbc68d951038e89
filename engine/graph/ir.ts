import type * as tf from "@tensorflow/tfjs-core";
import { type OpAttrs, type TensorType, opNames } from "../ops/record";
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
  /**
   * Arguments by position; null where an optional input (a bias) is absent. Read-only here: the
   * graph keeps an index of who reads what, so inputs change only through Graph.setInputs and
   * friends (as in torch.fx, where Node.args is set through a method that updates Node.users).
   */
  readonly inputs: readonly (Value | null)[];
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
  inputs?: readonly (Value | null)[];
  attrs?: OpAttrs;
  types: TensorType[];
  module?: string | null;
  location?: SourceLocation | null;
  value?: tf.Tensor | null;
  outputNames?: string[];
}

/** A node whose inputs the graph may rewrite; outside Graph, inputs are read-only. */
type MutableNode = Node & { inputs: readonly (Value | null)[] };

export class Graph {
  nodes: Node[] = [];
  private nextId = 0;
  private readonly taken = new Set<string>();
  /** Who reads each node, and how many of their inputs do: kept up to date by every edit below. */
  private readonly readers = new Map<Node, Map<Node, number>>();

  /**
   * Per base name, a suffix below which every name is taken, so that naming the nth "linear" does
   * not try the n-1 before it (segments record a graph every forward). A removal frees a name, so
   * it forgets them all: names stay the lowest free ones.
   */
  private readonly freeFrom = new Map<string, number>();

  /** Takes a fresh name based on `base`: linear, linear_1, linear_2... */
  private takeName(base: string): string {
    const clean = /^[\w.]*$/.test(base) ? base : base.replace(/[^\w.]/g, "_");
    let i = this.freeFrom.get(clean) ?? 0;
    let name = i === 0 ? clean : `${clean}_${i}`;
    while (this.taken.has(name)) name = `${clean}_${++i}`;
    this.freeFrom.set(clean, i + 1);
    this.taken.add(name);
    return name;
  }

  add(init: NodeInit, before?: Node): Node {
    const node: Node = {
      id: this.nextId++,
      name: this.takeName(init.name),
      kind: init.kind,
      op: init.op,
      inputs: [...(init.inputs ?? [])],
      attrs: init.attrs ?? {},
      types: init.types,
      module: init.module ?? null,
      location: init.location ?? null,
      value: init.value ?? null,
    };
    if (init.outputNames) node.outputNames = init.outputNames;
    this.readers.set(node, new Map());
    this.track(node, node.inputs, 1);
    const at = before ? this.nodes.indexOf(before) : -1;
    if (at >= 0) this.nodes.splice(at, 0, node);
    else this.nodes.push(node);
    return node;
  }

  /** Takes a node out of the graph; it must have no users left (replace its uses first). */
  remove(node: Node): void {
    const users = this.readers.get(node);
    if (users && users.size > 0) throw new Error(`cannot remove ${node.name}: ${[...users.keys()].map((u) => u.name).join(", ")} still read it`);
    const at = this.nodes.indexOf(node);
    if (at < 0) throw new Error(`${node.name} is not in the graph`);
    this.nodes.splice(at, 1);
    this.track(node, node.inputs, -1);
    this.readers.delete(node);
    this.taken.delete(node.name);
    this.freeFrom.clear();
  }

  get inputNodes(): Node[] {
    return this.nodes.filter((n) => n.kind === "input");
  }

  get outputNode(): Node {
    const out = this.nodes.find((n) => n.kind === "output");
    if (!out) throw new Error("graph has no output node");
    return out;
  }

  /** Nodes that read any output of `node`, each once, from the maintained index. */
  users(node: Node): Node[] {
    const users = this.readers.get(node);
    return users ? [...users.keys()] : [];
  }

  /** Whether anything reads an output of `node`. */
  hasUsers(node: Node): boolean {
    return (this.readers.get(node)?.size ?? 0) > 0;
  }

  /** Gives `node` new arguments, keeping the users index up to date. */
  setInputs(node: Node, inputs: readonly (Value | null)[]): void {
    this.track(node, node.inputs, -1);
    (node as MutableNode).inputs = [...inputs];
    this.track(node, node.inputs, 1);
  }

  /** Replaces argument `position` of `node`. */
  replaceInput(node: Node, position: number, value: Value | null): void {
    if (position < 0 || position >= node.inputs.length) throw new Error(`${node.name} has no input ${position}`);
    this.setInputs(node, node.inputs.map((v, i) => (i === position ? value : v)));
  }

  /** Points every use of `from` at `to` instead (torch.fx's replace_all_uses_with). */
  replaceAllUsesWith(from: Value, to: Value): void {
    for (const user of this.users(from.node)) {
      if (!user.inputs.some((v) => v !== null && v.node === from.node && v.index === from.index)) continue;
      this.setInputs(user, user.inputs.map((v) => (v && v.node === from.node && v.index === from.index ? to : v)));
    }
  }

  /**
   * Checks the graph's invariants and throws on the first broken one, like torch.fx's
   * Graph.lint(): nodes in topological order, inputs that point at nodes of this graph and at
   * outputs they have, a users index that matches the inputs, unique names, exactly one output
   * node, and call nodes that name a registered op. Passes must leave a graph that passes it.
   */
  lint(): void {
    const seen = new Set<Node>();
    const names = new Set<string>();
    const registered = new Set(opNames());
    const expected = new Map<Node, Map<Node, number>>();
    let outputs = 0;
    for (const node of this.nodes) {
      if (names.has(node.name)) throw new Error(`lint: two nodes are named ${node.name}`);
      names.add(node.name);
      if (!this.readers.has(node)) throw new Error(`lint: ${node.name} is not indexed (added outside Graph.add?)`);
      if (node.kind === "output") outputs++;
      if (node.kind === "call" && !registered.has(node.op)) throw new Error(`lint: ${node.name} calls "${node.op}", which is not a registered op`);
      node.inputs.forEach((v, i) => {
        if (v === null) return;
        if (!this.readers.has(v.node)) throw new Error(`lint: input ${i} of ${node.name} is ${v.node.name}, which is not in the graph`);
        if (!seen.has(v.node)) throw new Error(`lint: ${node.name} reads ${v.node.name} before it is computed (not in topological order)`);
        if (v.index < 0 || v.index >= v.node.types.length) throw new Error(`lint: ${node.name} reads output ${v.index} of ${v.node.name}, which has ${v.node.types.length}`);
        const users = expected.get(v.node) ?? new Map<Node, number>();
        users.set(node, (users.get(node) ?? 0) + 1);
        expected.set(v.node, users);
      });
      seen.add(node);
    }
    if (outputs !== 1) throw new Error(`lint: the graph has ${outputs} output nodes, expected exactly one`);
    if (this.readers.size !== this.nodes.length) throw new Error(`lint: the users index holds ${this.readers.size} nodes, the graph ${this.nodes.length}`);
    for (const node of this.nodes) {
      const want = expected.get(node) ?? new Map<Node, number>();
      const have = this.readers.get(node) as Map<Node, number>;
      const same = want.size === have.size && [...want].every(([user, count]) => have.get(user) === count);
      if (!same) throw new Error(`lint: the users index of ${node.name} is stale: has ${[...have.keys()].map((u) => u.name).join(", ") || "none"}, inputs say ${[...want.keys()].map((u) => u.name).join(", ") || "none"}`);
    }
  }

  /** Frees the parameter and constant values the graph holds. */
  dispose(): void {
    for (const n of this.nodes) n.value?.dispose();
  }

  callCount(): number {
    return this.nodes.filter((n) => n.kind === "call").length;
  }

  /** Adds (+1) or drops (-1) `user`'s reads of `inputs` in the users index. */
  private track(user: Node, inputs: readonly (Value | null)[], delta: 1 | -1): void {
    for (const v of inputs) {
      if (v === null) continue;
      const users = this.readers.get(v.node);
      if (!users) continue; // a producer from outside this graph: lint() reports it
      const count = (users.get(user) ?? 0) + delta;
      if (count > 0) users.set(user, count);
      else users.delete(user);
    }
  }
}

export const valueName = (v: Value | null): string => (v === null ? "None" : v.node.types.length > 1 ? `${v.node.name}[${v.index}]` : v.node.name);

export function typeOf(v: Value): TensorType {
  const t = v.node.types[v.index];
  if (!t) throw new Error(`${v.node.name} has no output ${v.index}`);
  return t;
}
