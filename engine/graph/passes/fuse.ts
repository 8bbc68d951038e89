import { getOp } from "../../ops/record";
import type { Graph, Node, Value } from "../ir";
import type { PassChange } from "./pass";

const soleUser = (graph: Graph, node: Node): Node | null => {
  const users = graph.users(node);
  return users.length === 1 ? (users[0] as Node) : null;
};

/**
 * Activation fusion: an op with a fused kernel (linear, conv2d) followed by an activation that
 * kernel can apply (relu, sigmoid) (and nothing else reading the
 * pre-activation) becomes one fused kernel call, saving a pass over memory.
 */
export function fuseActivations(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (const node of [...graph.nodes]) {
    if (node.kind !== "call" || !getOp(node.op).takesActivation) continue;
    if ((node.attrs.activation ?? "linear") !== "linear") continue;
    const act = soleUser(graph, node);
    if (!act || act.kind !== "call" || !getOp(act.op).fusableActivation || act.types[0]?.dtype !== "float32") continue;
    node.attrs = { ...node.attrs, activation: act.op };
    graph.replaceAllUsesWith({ node: act, index: 0 }, { node, index: 0 });
    graph.remove(act);
    changes.push({ kind: "fused", nodes: [act.name], into: node.name, message: `fused ${act.name} (${act.op}) into ${node.name} (${node.op})` });
  }
  return changes;
}

const heldValue = (v: Value | null | undefined): v is Value => !!v && (v.node.kind === "parameter" || v.node.kind === "constant");

/**
 * matmul(x, W) + b with W [k, n] and b [n] known is a linear layer: one fused kernel (and one Gemm
 * in ONNX) instead of two ops. W is stored the way linear expects it, [n, k].
 */
export function fuseMatmulBias(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (const mm of [...graph.nodes]) {
    if (mm.kind !== "call" || mm.op !== "matmul") continue;
    const [x, w] = mm.inputs;
    const wType = w ? w.node.types[w.index] : undefined;
    if (!x || !heldValue(w) || !wType || wType.shape.length !== 2 || wType.dtype !== "float32") continue;
    const add = soleUser(graph, mm);
    if (!add || add.op !== "add" || add.inputs.length !== 2) continue;
    const bias = add.inputs.find((v) => v?.node !== mm);
    const bType = bias ? bias.node.types[bias.index] : undefined;
    if (!heldValue(bias) || !bType || bType.shape.length !== 1 || bType.shape[0] !== wType.shape[1]) continue;
    const transposed = graph.add(
      { kind: "call", op: "transpose", name: `${w.node.name}_t`, inputs: [w], attrs: { dims: [1, 0] }, types: [{ shape: [wType.shape[1] as number, wType.shape[0] as number], dtype: "float32" }], module: mm.module },
      mm,
    );
    const linear = graph.add(
      { kind: "call", op: "linear", name: "linear", inputs: [x, { node: transposed, index: 0 }, bias], attrs: { activation: "linear" }, types: add.types, module: mm.module, location: mm.location },
      add,
    );
    graph.replaceAllUsesWith({ node: add, index: 0 }, { node: linear, index: 0 });
    graph.remove(add);
    graph.remove(mm);
    changes.push({ kind: "fused", nodes: [mm.name, add.name], into: linear.name, message: `fused ${mm.name} (matmul) and ${add.name} (add) into ${linear.name} (linear with bias)` });
  }
  return changes;
}
