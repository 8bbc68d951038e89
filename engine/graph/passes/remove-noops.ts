import type { Graph, Node, Value } from "../ir";
import type { PassChange } from "./pass";

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const isIdentityPerm = (dims: unknown) => Array.isArray(dims) && dims.every((d, i) => d === i);

/** Why `node` changes nothing, or null when it does something. */
function noopReason(node: Node): string | null {
  const input = node.inputs[0];
  const inType = input ? input.node.types[input.index] : undefined;
  const outType = node.types[0];
  if (!input || !inType || !outType || node.types.length !== 1) return null;
  switch (node.op) {
    case "reshape":
    case "view":
    case "flatten":
    case "expand":
    case "squeeze":
    case "unsqueeze":
      return same(inType.shape, outType.shape) ? `${node.op} to the same shape [${outType.shape.join(",")}]` : null;
    case "permute":
    case "transpose":
      return isIdentityPerm(node.attrs.dims) ? `${node.op} that keeps every dim in place` : null;
    case "to":
      return inType.dtype === outType.dtype ? `cast to the dtype it already has (${outType.dtype})` : null;
    case "add":
    case "sub":
      return node.inputs.length === 1 && node.attrs.other === 0 && inType.dtype === outType.dtype ? `${node.op} of 0` : null;
    case "mul":
    case "div":
      return node.inputs.length === 1 && node.attrs.other === 1 && inType.dtype === outType.dtype ? `${node.op} by 1` : null;
    default:
      return null;
  }
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
