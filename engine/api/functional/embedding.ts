import * as tf from "@tensorflow/tfjs-core";
import { op } from "../../eager/dispatch";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";

export interface EmbeddingOptions {
  /** Only affects training in PyTorch (no gradient for that row); accepted for compatibility. */
  padding_idx?: number | null;
}

/** Rows of `weight` [num_embeddings, dim] picked by integer `ids` of any shape; out-of-range ids fail loudly. */
export function embedding(ids: Tensor, weight: Tensor, _options: EmbeddingOptions = {}): Tensor {
  if (ids.dtype !== "int32") {
    throw new OpError("embedding", [ids.shape, weight.shape], `indices must be an integer tensor, got ${ids.dtype} (use .long() or { dtype: "int64" })`);
  }
  if (weight.dim() !== 2) throw new OpError("embedding", [ids.shape, weight.shape], "weight must be 2-D [num_embeddings, embedding_dim]");
  const rows = weight.shape[0] as number;
  return op("embedding", [ids, weight], {}, () => {
    // tfjs gathers out-of-range rows as zeros; PyTorch raises, and a silent zero hides a tokenizer bug.
    const values = ids.raw.dataSync();
    for (let i = 0; i < values.length; i++) {
      const id = values[i] as number;
      if (id < 0 || id >= rows) {
        throw new OpError("embedding", [ids.shape, weight.shape], `index ${id} is out of range for an embedding of ${rows} rows`);
      }
    }
    return tf.gather(weight.raw, ids.raw);
  });
}
