/**
 * A one-block transformer encoder over token ids, with a language-model head.
 *
 *   token embedding (vocab 1000, d 64) + learned positional embedding     [B, T, 64]
 *   x = x + SelfAttention(LayerNorm(x))        4 heads of 16 dims          [B, T, 64]
 *   x = x + MLP(LayerNorm(x))                  64 -> 256 -> GELU -> 64     [B, T, 64]
 *   logits = Linear(LayerNorm(x))              one logit per vocab entry   [B, T, 1000]
 *
 * This is the "pre-norm" layout of GPT-2 and most modern transformers: each sub-layer reads a
 * normalised copy of the residual stream and adds its result back, which keeps the residual path
 * an identity and trains stably without warm-up tricks. Attention is bidirectional (an encoder):
 * every position attends to every other; pass an `attn_mask` to make it causal.
 *
 * Names follow the PyTorch module written the same way (tok_emb, pos_emb, attn.in_proj_weight,
 * mlp.0.weight, ...), so its state_dict loads directly.
 */
import { nn, arange, type Tensor } from "tandem";

export default class TransformerBlock extends nn.Module {
  tok_emb: nn.Embedding;
  pos_emb: nn.Embedding;
  ln1: nn.LayerNorm;
  attn: nn.MultiheadAttention;
  ln2: nn.LayerNorm;
  mlp: nn.Sequential;
  ln_f: nn.LayerNorm;
  head: nn.Linear;
  readonly maxLen: number;

  constructor(vocabSize = 1000, dModel = 64, numHeads = 4, mlpRatio = 4, maxLen = 64) {
    super();
    this.maxLen = maxLen;
    this.tok_emb = new nn.Embedding(vocabSize, dModel);
    this.pos_emb = new nn.Embedding(maxLen, dModel);
    this.ln1 = new nn.LayerNorm(dModel);
    // batch_first: inputs are [B, T, E], as everywhere else in this model.
    this.attn = new nn.MultiheadAttention(dModel, numHeads, { batch_first: true });
    this.ln2 = new nn.LayerNorm(dModel);
    this.mlp = new nn.Sequential(
      new nn.Linear(dModel, mlpRatio * dModel),
      new nn.GELU(),
      new nn.Linear(mlpRatio * dModel, dModel),
    );
    this.ln_f = new nn.LayerNorm(dModel);
    this.head = new nn.Linear(dModel, vocabSize);
  }

  override forward(ids: Tensor): Tensor {
    const t = ids.size(1);
    if (t > this.maxLen) throw new Error(`sequence length ${t} exceeds the positional table (${this.maxLen})`);
    // Positions 0..T-1 as an integer tensor; their embeddings [T, E] broadcast over the batch.
    const pos = arange(t);
    let x = this.tok_emb(ids).add(this.pos_emb(pos)); // [B, T, E]

    // Self-attention: query, key and value are all the normalised residual stream.
    // need_weights: false skips building the [B, T, T] attention map we would throw away.
    const h = this.ln1(x);
    const [attnOut] = this.attn(h, h, h, { need_weights: false });
    x = x.add(attnOut);

    // Position-wise feed-forward network, applied to every token independently.
    x = x.add(this.mlp(this.ln2(x)));

    return this.head(this.ln_f(x)); // [B, T, vocab] logits
  }
}

/** Two sequences of 16 token ids in [0, 1000). */
export const inputs = {
  ids: { shape: [2, 16], dtype: "int64", high: 1000 },
};
