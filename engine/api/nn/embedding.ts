import * as tf from "@tensorflow/tfjs-core";
import { embedding } from "../functional/embedding";
import { checkAllocation } from "../allocation";
import { Parameter } from "../parameter";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";
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
    checkAllocation("a parameter", [num_embeddings, embedding_dim], "float32");
    // PyTorch: N(0, 1), with the padding row set to +0 (not a product with 0, which gives -0 bits).
    const values = defaultGenerator().normal(num_embeddings * embedding_dim);
    if (this.padding_idx !== null) values.fill(0, this.padding_idx * embedding_dim, (this.padding_idx + 1) * embedding_dim);
    this.weight = Parameter.adopt(tf.tensor(values, [num_embeddings, embedding_dim]));
  }

  override forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, { padding_idx: this.padding_idx });
  }

  override extra_repr(): string {
    return `${this.num_embeddings}, ${this.embedding_dim}${this.padding_idx === null ? "" : `, padding_idx=${this.padding_idx}`}`;
  }
}
