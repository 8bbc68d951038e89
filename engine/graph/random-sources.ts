import { getOp } from "../ops/record";
import type { Graph, Node } from "./ir";

/**
 * For each graph output, the random ops it depends on ("randn_like at vae.ts:9:32"), or null when
 * it depends on none. Another runtime draws such values from its own generator, so they cannot be
 * compared with eager's value by value.
 */
export function randomSourcesOfOutputs(graph: Graph): (string | null)[] {
  const memo = new Map<Node, ReadonlySet<Node>>();
  const sources = (node: Node): ReadonlySet<Node> => {
    const known = memo.get(node);
    if (known) return known;
    const found = new Set<Node>();
    memo.set(node, found);
    if (node.kind === "call" && getOp(node.op).effect === "random") found.add(node);
    for (const v of node.inputs) if (v) for (const s of sources(v.node)) found.add(s);
    return found;
  };
  const where = (n: Node) => (n.location ? `${n.op} at ${n.location.file.split(/[\\/]/).pop() ?? n.location.file}:${n.location.line}:${n.location.column}` : n.op);
  return graph.outputNode.inputs.map((v) => {
    const found = v ? [...sources(v.node)] : [];
    return found.length ? found.map(where).join(", ") : null;
  });
}
