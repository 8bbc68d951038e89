import { getOp } from "../../ops/record";
import type { Graph, Node } from "../ir";
import type { PassChange } from "./pass";

const signature = (n: Node): string =>
  `${n.op}(${n.inputs.map((v) => (v ? `${v.node.id}:${v.index}` : "-")).join(",")})${JSON.stringify(n.attrs)}`;

/** Common-subexpression elimination: an op repeated on the same inputs with the same attributes runs once. */
export function eliminateCommonSubexpressions(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  const seen = new Map<string, Node>();
  for (const node of [...graph.nodes]) {
    // A random op's result is not a function of its inputs alone.
    if (node.kind !== "call" || getOp(node.op).effect !== "pure") continue;
    const sig = signature(node);
    const first = seen.get(sig);
    if (!first) {
      seen.set(sig, node);
      continue;
    }
    node.types.forEach((_, index) => graph.replaceAllUsesWith({ node, index }, { node: first, index }));
    graph.remove(node);
    changes.push({ kind: "merged", nodes: [node.name], into: first.name, message: `merged ${node.name} into ${first.name}: same ${node.op} on the same inputs` });
  }
  return changes;
}
