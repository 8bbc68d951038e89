import * as tf from "@tensorflow/tfjs-core";
import type { Graph, Node, Value } from "../ir";
import type { PassChange } from "./pass";

const held = (v: Value | null | undefined): v is Value => !!v && (v.node.kind === "parameter" || v.node.kind === "constant") && v.node.value !== null;

/** The op a BatchNorm can fold into: a conv2d or linear with known weights, read by nothing else. */
function foldableProducer(graph: Graph, bn: Node): Node | null {
  const input = bn.inputs[0];
  if (!input || input.index !== 0) return null;
  const producer = input.node;
  if (producer.kind !== "call" || (producer.op !== "conv2d" && producer.op !== "linear")) return null;
  if ((producer.attrs.activation ?? "linear") !== "linear") return null;
  if (!held(producer.inputs[1]) || (producer.inputs[2] && !held(producer.inputs[2]))) return null;
  if (graph.users(producer).length !== 1) return null;
  if (producer.op === "linear" && producer.types[0]?.shape.length !== 2) return null; // BatchNorm1d on [N, C] only
  return producer;
}

/**
 * BatchNorm folding: in inference, y = (conv(x) - mean) / sqrt(var + eps) * gamma + beta is the
 * same conv with weights scaled per output channel and a new bias, so the BatchNorm disappears.
 */
export function foldBatchNorm(graph: Graph): PassChange[] {
  const changes: PassChange[] = [];
  for (const bn of [...graph.nodes]) {
    if (bn.kind !== "call" || bn.op !== "batch_norm" || bn.attrs.training) continue;
    const [, mean, variance, gamma, beta] = bn.inputs;
    if (!held(mean) || !held(variance) || (gamma && !held(gamma)) || (beta && !held(beta))) continue;
    const producer = foldableProducer(graph, bn);
    if (!producer) continue;
    const weight = producer.inputs[1] as Value;
    const bias = producer.inputs[2] ?? null;
    const [newWeight, newBias] = tf.tidy(() => {
      const val = (v: Value) => v.node.value as tf.Tensor;
      let scale = tf.rsqrt(tf.add(val(variance), bn.attrs.eps as number));
      if (gamma) scale = tf.mul(scale, val(gamma));
      const w = val(weight);
      const perChannel = tf.reshape(scale, [-1, ...Array<number>(w.rank - 1).fill(1)]);
      const b = tf.sub(bias ? val(bias) : tf.zerosLike(val(mean)), val(mean));
      const shifted = tf.mul(b, scale);
      return [tf.keep(tf.mul(w, perChannel)), tf.keep(beta ? tf.add(shifted, val(beta)) : shifted)];
    });
    const constant = (name: string, value: tf.Tensor) =>
      graph.add({ kind: "constant", op: "constant", name, types: [{ shape: [...value.shape], dtype: "float32" }], value, module: producer.module }, producer);
    const w = constant(`${producer.name}_bn_weight`, newWeight);
    const b = constant(`${producer.name}_bn_bias`, newBias);
    graph.setInputs(producer, [producer.inputs[0] ?? null, { node: w, index: 0 }, { node: b, index: 0 }]);
    graph.replaceAllUsesWith({ node: bn, index: 0 }, { node: producer, index: 0 });
    graph.remove(bn);
    changes.push({ kind: "folded", nodes: [bn.name], into: producer.name, message: `folded ${bn.name}${bn.module ? ` (${bn.module})` : ""} into ${producer.name}: scaled its weights and bias` });
  }
  return changes;
}
