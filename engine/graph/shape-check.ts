import * as tf from "@tensorflow/tfjs-core";
import { Evaluator } from "./evaluate";
import type { Graph, Node, TensorType } from "./ir";
import { formatType } from "./print";

export interface ShapeMismatch {
  node: string;
  output: number;
  recorded: string;
  computed: string;
}

/** Runs the graph on the eager kernels and compares every output with the type its node records. */
class ShapeCheck extends Evaluator {
  readonly mismatches: ShapeMismatch[] = [];

  protected override callNode(node: Node, args: readonly (tf.Tensor | null)[]): tf.Tensor[] {
    const outs = super.callNode(node, args);
    outs.forEach((t, output) => {
      const recorded = node.types[output];
      const computed: TensorType = { shape: [...t.shape], dtype: t.dtype as TensorType["dtype"] };
      if (!recorded || formatType(recorded) !== formatType(computed)) {
        this.mismatches.push({ node: node.name, output, recorded: recorded ? formatType(recorded) : "none", computed: formatType(computed) });
      }
    });
    if (outs.length !== node.types.length) this.mismatches.push({ node: node.name, output: outs.length, recorded: `${node.types.length} outputs`, computed: `${outs.length} outputs` });
    return outs;
  }
}

/**
 * torch.fx's ShapeProp as a check: every type the IR records (which passes and the ONNX exporter
 * rely on) must be what the kernels compute on `inputs`. Returns the disagreements, none when sound.
 */
export function checkShapes(graph: Graph, inputs: readonly tf.Tensor[]): ShapeMismatch[] {
  const check = new ShapeCheck(graph);
  tf.tidy(() => {
    check.run(inputs);
  });
  return check.mismatches;
}
