import type { Graph } from "../ir";
import type { PassChange } from "./pass";

/** Dead-code elimination: drops nodes whose results nobody reads (and parameters left unused). */
export function eliminateDeadCode(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node || node.kind === "output" || node.kind === "input") continue;
    if (!graph.hasUsers(node)) {
      graph.remove(node);
      if (node.kind === "call") changes.push({ kind: "removed", nodes: [node.name], into: null, message: `removed ${node.name} (${node.op}): its result is never used` });
      else node.value?.dispose();
    }
  }
  return changes;
}
