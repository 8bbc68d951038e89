/**
 * A small GPT decoder in the style of nanoGPT (Karpathy), written as its PyTorch code is.
 *
 *   token embedding (vocab 64, d 32) + learned position embedding         [B, T, 32]
 *   2 blocks of:  x = x + CausalSelfAttention(LayerNorm(x))   2 heads of 16 dims
 *                 x = x + MLP(LayerNorm(x))                   32 -> 128 -> GELU -> 32
 *   logits = lm_head(LayerNorm(x)), lm_head's weight tied to the token embedding   [B, T, 64]
 *
 * Attention is built by hand rather than with nn.MultiheadAttention: one Linear makes the query,
 * key and value together, the heads are split out with view + transpose, and a lower-triangular
 * mask (a buffer, so it moves and saves with the model) hides the future from every position
 * before the softmax. Tying lm_head to wte (Press & Wolf, 2017) saves vocab x d parameters: the
 * tied weight is counted once, and the state_dict holds it under both names, as PyTorch's does.
 */
import { nn, ones, tril, arange, type Tensor } from "tandem";

class CausalSelfAttention extends nn.Module {
  c_attn: nn.Linear;
  c_proj: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  /** [1, 1, blockSize, blockSize]: 1 where a position may attend (itself and the past), else 0. */
  declare mask: Tensor;
  readonly nHead: number;
  readonly nEmbd: number;

  constructor(nEmbd: number, nHead: number, blockSize: number, dropout: number) {
    super();
    if (nEmbd % nHead !== 0) throw new Error(`n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
    this.nHead = nHead;
    this.nEmbd = nEmbd;
    this.c_attn = new nn.Linear(nEmbd, 3 * nEmbd); // query, key and value for all heads at once
    this.c_proj = new nn.Linear(nEmbd, nEmbd);
    this.attn_dropout = new nn.Dropout(dropout);
    this.resid_dropout = new nn.Dropout(dropout);
    this.register_buffer("mask", tril(ones(blockSize, blockSize)).view(1, 1, blockSize, blockSize));
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size() as [number, number, number];
    const hs = C / this.nHead;
    // [B, T, 3C] -> three [B, T, C] -> each [B, nh, T, hs]
    const [q, k, v] = this.c_attn(x).split(this.nEmbd, 2) as [Tensor, Tensor, Tensor];
    const heads = (t: Tensor): Tensor => t.view(B, T, this.nHead, hs).transpose(1, 2);
    // Scaled dot-product scores [B, nh, T, T]; the future is masked to -inf, so softmax gives it 0.
    let att = heads(q).matmul(heads(k).transpose(-2, -1)).mul(1 / Math.sqrt(hs));
    const causal = this.mask.narrow(2, 0, T).narrow(3, 0, T);
    att = att.masked_fill(causal.eq(0), -Infinity).softmax(-1);
    att = this.attn_dropout(att);
    const y = att.matmul(heads(v)).transpose(1, 2).contiguous().view(B, T, C); // heads side by side again
    return this.resid_dropout(this.c_proj(y));
  }
}

class MLP extends nn.Module {
  c_fc: nn.Linear;
  gelu: nn.GELU;
  c_proj: nn.Linear;
  dropout: nn.Dropout;

  constructor(nEmbd: number, dropout: number) {
    super();
    this.c_fc = new nn.Linear(nEmbd, 4 * nEmbd);
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * nEmbd, nEmbd);
    this.dropout = new nn.Dropout(dropout);
  }

  override forward(x: Tensor): Tensor {
    return this.dropout(this.c_proj(this.gelu(this.c_fc(x))));
  }
}

class Block extends nn.Module {
  ln_1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: nn.LayerNorm;
  mlp: MLP;

  constructor(nEmbd: number, nHead: number, blockSize: number, dropout: number) {
    super();
    this.ln_1 = new nn.LayerNorm(nEmbd);
    this.attn = new CausalSelfAttention(nEmbd, nHead, blockSize, dropout);
    this.ln_2 = new nn.LayerNorm(nEmbd);
    this.mlp = new MLP(nEmbd, dropout);
  }

  override forward(x: Tensor): Tensor {
    // Pre-norm residual blocks: the residual stream itself is never normalised.
    x = x.add(this.attn(this.ln_1(x)));
    return x.add(this.mlp(this.ln_2(x)));
  }
}

export default class GPT extends nn.Module {
  wte: nn.Embedding;
  wpe: nn.Embedding;
  drop: nn.Dropout;
  h: nn.ModuleList<Block>;
  ln_f: nn.LayerNorm;
  lm_head: nn.Linear;
  readonly blockSize: number;

  constructor(vocabSize = 64, blockSize = 16, nLayer = 2, nHead = 2, nEmbd = 32, dropout = 0.1) {
    super();
    this.blockSize = blockSize;
    this.wte = new nn.Embedding(vocabSize, nEmbd);
    this.wpe = new nn.Embedding(blockSize, nEmbd);
    this.drop = new nn.Dropout(dropout);
    this.h = new nn.ModuleList(Array.from({ length: nLayer }, () => new Block(nEmbd, nHead, blockSize, dropout)));
    this.ln_f = new nn.LayerNorm(nEmbd);
    this.lm_head = new nn.Linear(nEmbd, vocabSize, { bias: false });
    // Weight tying: the output projection is the token embedding matrix, one Parameter for both.
    this.lm_head.weight = this.wte.weight;
  }

  override forward(idx: Tensor): Tensor {
    const t = idx.size(1);
    if (t > this.blockSize) throw new Error(`cannot forward a sequence of length ${t}: block size is ${this.blockSize}`);
    const pos = arange(t); // [T]
    let x = this.drop(this.wte(idx).add(this.wpe(pos))); // [B, T, C]
    for (const block of this.h) x = block(x);
    return this.lm_head(this.ln_f(x)); // [B, T, vocab] logits
  }
}

/** Two sequences of 16 token ids in [0, 64). */
export const inputs = {
  idx: { shape: [2, 16], dtype: "int64", high: 64 },
};
