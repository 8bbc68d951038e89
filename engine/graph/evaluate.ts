import * as tf from "@tensorflow/tfjs-core";
import { getOp } from "../ops/record";
import type { Node } from "./ir";
import { Interpreter } from "./interpreter";

/**
 * Runs a graph op by op on the eager kernels: the reference interpreter, with nothing compiled.
 * Intermediates are not freed here: they belong to the caller's tfjs scope, as eager ops' do.
 */
export class Evaluator extends Interpreter<tf.Tensor> {
  protected getAttr(node: Node): tf.Tensor {
    if (!node.value) throw new Error(`${node.name} has no value`);
    return node.value;
  }

  protected callNode(node: Node, args: readonly (tf.Tensor | null)[]): tf.Tensor[] {
    const def = getOp(node.op);
    const raws = args.map((t, i) => {
      if (t === null) return null;
      const perm = def.layouts?.[i];
      return perm ? tf.transpose(t, [...perm]) : t;
    });
    const out = def.kernel(raws, node.attrs);
    return Array.isArray(out) ? out : [out];
  }
}
