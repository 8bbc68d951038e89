import * as tf from "@tensorflow/tfjs-core";
import { getOp } from "../../ops/record";
import type { Graph, Node } from "../ir";
import type { PassChange } from "./pass";

const held = (n: Node) => n.kind === "parameter" || n.kind === "constant";
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Constant folding: an op whose inputs are all known before the graph runs (parameters and
 * constants; Tandem graphs are inference-only) is computed once, here, and becomes a constant.
 * Ops that would make a much larger constant than they read (expand) are left to run.
 */
export function foldConstants(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (const node of [...graph.nodes]) {
    if (node.kind !== "call") continue;
    const def = getOp(node.op);
    // A random op folded into a constant would repeat one sample forever.
    if (def.effect !== "pure") continue;
    const inputs = node.inputs.filter((v) => v !== null);
    if (inputs.length === 0 || !inputs.every((v) => held(v.node))) continue;
    const inputSize = inputs.reduce((n, v) => n + size(v.node.types[v.index]?.shape ?? []), 0);
    if (node.types.reduce((n, t) => n + size(t.shape), 0) > 4 * inputSize) continue;
    const raw = tf.tidy(() => {
      const args = node.inputs.map((v, i) => {
        if (!v) return null;
        const value = v.node.value as tf.Tensor;
        const perm = def.layouts?.[i];
        return perm ? tf.transpose(value, [...perm]) : value;
      });
      const out = def.kernel(args, node.attrs);
      return Array.isArray(out) ? out : [out];
    });
    const made = raw.map((value, index) => {
      const constant = graph.add({
        kind: "constant",
        op: "constant",
        name: `${node.name}_folded`,
        types: [node.types[index] as Node["types"][number]],
        value: tf.keep(value),
        module: node.module,
        location: node.location,
      }, node);
      graph.replaceAllUsesWith({ node, index }, { node: constant, index: 0 });
      return constant.name;
    });
    graph.remove(node);
    changes.push({ kind: "folded", nodes: [node.name], into: made[0] ?? null, message: `folded ${node.name} (${node.op}) into a constant: all its inputs are known before the graph runs` });
  }
  return changes;
}
