import type * as tf from "@tensorflow/tfjs-core";

/**
 * Tensors to free once the op in flight has finished. A Parameter that changes layout for one input
 * of an op (x @ W^T with W also passed as x) must not free the layout another input of the same op
 * still reads, so inside an op it hands the old storage here and dispatch frees it afterwards.
 */
const pending: tf.Tensor[] = [];
let depth = 0;

export function disposeAfterOp(t: tf.Tensor): void {
  if (depth === 0) t.dispose();
  else pending.push(t);
}

export function beginOp(): void {
  depth++;
}

export function endOp(): void {
  depth--;
  if (depth === 0) while (pending.length) pending.pop()?.dispose();
}
