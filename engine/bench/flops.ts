/**
 * FLOPs of one forward, counted on the traced IR (shapes are exact there) by each op's own rule
 * (its record's `flops`; the conventions are in engine/ops/flops.ts). The count is taken on the
 * graph as traced, before passes, so folding a BatchNorm into a convolution does not change the
 * model's FLOPs (it changes how fast they run).
 */
import type { FlopCount } from "../../shared/bench";
import { getOp } from "../ops/record";
import { type Graph, type Node, typeOf } from "../graph/ir";

/** FLOPs of one call node, by its op's rule. */
export function nodeFlops(node: Node): number {
  return getOp(node.op).flops({ inputs: node.inputs.map((v) => (v ? typeOf(v) : null)), outputs: node.types, attrs: node.attrs });
}

/** Total FLOPs of the graph, per op type; ops with no arithmetic (data movement) are listed apart. */
export function countFlops(graph: Graph): FlopCount {
  const byOp: Record<string, number> = {};
  const uncounted = new Set<string>();
  let total = 0;
  for (const node of graph.nodes) {
    if (node.kind !== "call") continue;
    const f = nodeFlops(node);
    if (f === 0) {
      uncounted.add(node.op);
      continue;
    }
    byOp[node.op] = (byOp[node.op] ?? 0) + f;
    total += f;
  }
  return { total, byOp, uncounted: [...uncounted].sort() };
}
