import { getOp } from "../../ops/record";
import { type Graph, type Node, type Value, typeOf } from "../ir";
import type { PassChange } from "./pass";

/** Why `node` changes nothing, as its op's record judges it, or null when it does something. */
function noopReason(node: Node): string | null {
  const input = node.inputs[0];
  const noop = getOp(node.op).noop;
  if (!input || !noop || node.types.length !== 1) return null;
  return noop({ inputs: node.inputs.map((v) => (v ? typeOf(v) : null)), outputs: node.types, attrs: node.attrs });
}

/** Removes reshapes, transposes, casts and arithmetic that leave their input unchanged. */
export function removeNoops(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (const node of [...graph.nodes]) {
    if (node.kind !== "call") continue;
    const reason = noopReason(node);
    if (!reason) continue;
    graph.replaceAllUsesWith({ node, index: 0 }, node.inputs[0] as Value);
    graph.remove(node);
    changes.push({ kind: "removed", nodes: [node.name], into: null, message: `removed ${node.name}: ${reason}` });
  }
  return changes;
}
