import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";

export interface EmbeddingOptions {
  /** Only affects training in PyTorch (no gradient for that row); accepted for compatibility. */
  padding_idx?: number | null;
}

/** Rows of `weight` [num_embeddings, dim] picked by integer `ids` of any shape; out-of-range ids fail loudly. */
export function embedding(ids: Tensor, weight: Tensor, _options: EmbeddingOptions = {}): Tensor {
  if (ids.dtype !== "int32") {
    throw new OpError("embedding", [ids.rawShape, weight.rawShape], `indices must be an integer tensor, got ${ids.dtype} (use .long() or { dtype: "int64" })`);
  }
  if (weight.dim() !== 2) throw new OpError("embedding", [ids.rawShape, weight.rawShape], "weight must be 2-D [num_embeddings, embedding_dim]");
  return apply(EMBEDDING, [ids, weight], {});
}

const EMBEDDING = defineOp<Record<string, never>>({
  name: "embedding",
  summary: "rows of weight picked by integer ids",
  kernel: ([ids, weight]) => {
    const w = weight as tf.Tensor;
    const rows = w.shape[0] as number;
    // PyTorch raises on an id outside the table; a silent wrong row would hide a tokenizer bug.
    const values = (ids as tf.Tensor).dataSync();
    for (let i = 0; i < values.length; i++) {
      const id = values[i] as number;
      if (id < 0 || id >= rows) {
        throw new OpError("embedding", [(ids as tf.Tensor).shape, w.shape], `index ${id} is out of range for an embedding of ${rows} rows`);
      }
    }
    return tf.gather(w, ids as tf.Tensor);
  },
  onnx: { ops: ["Gather"], emit: (ctx) => ctx.op("Gather", [ctx.input(1), ctx.input(0)], { axis: 0 }) },
  flops: none,
  effect: "pure",
});
