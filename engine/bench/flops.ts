/**
 * FLOPs of one forward, counted on the traced IR (shapes are exact there) by each op's own rule
 * (its record's `flops`; the conventions are in engine/ops/flops.ts). The count is taken on the
 * graph as traced, before passes, so folding a BatchNorm into a convolution does not change the
 * model's FLOPs (it changes how fast they run).
 */
import type { FlopCount } from "../../shared/bench";
import { Interpreter } from "../graph/interpreter";
import { type Graph, type Node, type TensorType, typeOf } from "../graph/ir";
import { getOp } from "../ops/record";

/** FLOPs of one call node, by its op's rule. */
export function nodeFlops(node: Node): number {
  return getOp(node.op).flops({ inputs: node.inputs.map((v) => (v ? typeOf(v) : null)), outputs: node.types, attrs: node.attrs });
}

/**
 * Counts as it interprets the graph on types: the values are tensor types (the IR's own, exact
 * for a traced graph), and each call node adds its FLOPs by its record's rule.
 */
class FlopCounter extends Interpreter<TensorType> {
  readonly byOp: Record<string, number> = {};
  readonly uncounted = new Set<string>();
  total = 0;

  protected override placeholder(node: Node): TensorType {
    return node.types[0] as TensorType;
  }

  protected getAttr(node: Node): TensorType {
    return node.types[0] as TensorType;
  }

  protected callNode(node: Node): TensorType[] {
    const f = nodeFlops(node);
    if (f === 0) this.uncounted.add(node.op);
    else {
      this.byOp[node.op] = (this.byOp[node.op] ?? 0) + f;
      this.total += f;
    }
    return node.types;
  }
}

/** Total FLOPs of the graph, per op type; ops with no arithmetic (data movement) are listed apart. */
export function countFlops(graph: Graph): FlopCount {
  const counter = new FlopCounter(graph);
  counter.run([]);
  return { total: counter.total, byOp: counter.byOp, uncounted: [...counter.uncounted].sort() };
}
