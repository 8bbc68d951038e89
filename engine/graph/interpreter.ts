import type { Graph, Node, Value } from "./ir";

/**
 * Walks a graph's nodes in order with an environment from each node to the values of its outputs,
 * the way torch.fx's Interpreter does: each kind of node goes to a hook that subclasses override.
 * What a "value" is depends on the subclass: a tfjs tensor (evaluating the graph), a tensor type
 * (checking or counting from shapes), a slot number (compiling the plan). The hooks see their
 * arguments already looked up in the environment.
 */
export abstract class Interpreter<V> {
  /** Outputs of every node run so far, by node: what `args` are looked up in. */
  protected readonly env = new Map<Node, V[]>();

  constructor(protected readonly graph: Graph) {}

  /**
   * Runs the graph on `inputs` (one per input node, in graph order) and returns what its output
   * node returns; a graph still being recorded, with no output node, returns [].
   */
  run(inputs: readonly V[]): V[] {
    this.env.clear();
    let next = 0;
    let result: V[] = [];
    for (const node of this.graph.nodes) {
      switch (node.kind) {
        case "input":
          this.env.set(node, [this.placeholder(node, next++, inputs)]);
          break;
        case "parameter":
        case "constant":
          this.env.set(node, [this.getAttr(node)]);
          break;
        case "call":
          this.env.set(node, this.callNode(node, this.args(node)));
          break;
        case "output":
          result = this.output(node, this.args(node));
          break;
      }
    }
    return result;
  }

  /** The value of the `position`th input node: by default what run() was given for it. */
  protected placeholder(node: Node, position: number, inputs: readonly V[]): V {
    if (position >= inputs.length) throw new Error(`no value for graph input ${node.name}: the graph takes more than ${inputs.length} inputs`);
    return inputs[position] as V;
  }

  /** The value of a parameter or constant node (torch.fx's get_attr). */
  protected abstract getAttr(node: Node): V;

  /** Runs a call node on its arguments (null where an optional input is absent); one value per output. */
  protected abstract callNode(node: Node, args: readonly (V | null)[]): V[];

  /** What the graph returns: by default its output node's arguments. */
  protected output(node: Node, args: readonly (V | null)[]): V[] {
    return args.map((v, i) => {
      if (v === null) throw new Error(`graph output ${node.outputNames?.[i] ?? i} is empty`);
      return v;
    });
  }

  /** The value an input of a node refers to, from the environment. */
  protected lookup(v: Value): V {
    const values = this.env.get(v.node);
    if (!values) throw new Error(`graph value ${v.node.name} is used before it is computed`);
    if (v.index >= values.length) throw new Error(`${v.node.name} has no output ${v.index}`);
    return values[v.index] as V;
  }

  private args(node: Node): (V | null)[] {
    return node.inputs.map((v) => (v === null ? null : this.lookup(v)));
  }
}
