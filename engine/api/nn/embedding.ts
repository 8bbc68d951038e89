import * as tf from "@tensorflow/tfjs-core";
import { embedding } from "../functional/embedding";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { normalParameter } from "./init";
import { Module } from "./module";

export class Embedding extends Module {
  weight: Parameter;
  readonly padding_idx: number | null;

  constructor(
    readonly num_embeddings: number,
    readonly embedding_dim: number,
    options: { padding_idx?: number | null } = {},
  ) {
    super();
    const pad = options.padding_idx ?? null;
    this.padding_idx = pad === null ? null : pad < 0 ? pad + num_embeddings : pad;
    // PyTorch: N(0, 1), with the padding row zeroed.
    this.weight = normalParameter([num_embeddings, embedding_dim]);
    if (this.padding_idx !== null) {
      const row = this.padding_idx;
      const zeroed = tf.tidy(() => {
        const keepRows = tf.sub(1, tf.reshape(tf.oneHot(tf.tensor1d([row], "int32"), num_embeddings), [num_embeddings, 1]));
        return tf.mul(this.weight.raw, keepRows);
      });
      this.weight.assign(zeroed);
      zeroed.dispose();
    }
  }

  override forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, { padding_idx: this.padding_idx });
  }

  override extra_repr(): string {
    return `${this.num_embeddings}, ${this.embedding_dim}${this.padding_idx === null ? "" : `, padding_idx=${this.padding_idx}`}`;
  }
}
