import { ApiError } from "../errors";
import { gelu, relu } from "../ops/elementwise";
import { tensor } from "../creation";
import type { Tensor } from "../tensor";
import { Dropout } from "./activation";
import { MultiheadAttention } from "./attention";
import { Linear } from "./linear";
import { Module } from "./module";
import { LayerNorm } from "./normalization";

/** The feed-forward activation: PyTorch's "relu" or "gelu", or any tensor function (a module too). */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  dim_feedforward?: number;
  /** Dropout in training mode, identity in eval. */
  dropout?: number;
  activation?: TransformerActivation;
  layer_norm_eps?: number;
  batch_first?: boolean;
  /** Pre-norm (LayerNorm before each sub-block) instead of PyTorch's default post-norm. */
  norm_first?: boolean;
  /** PyTorch 2.1's switch for the biases of every Linear, attention and LayerNorm. */
  bias?: boolean;
}

export interface TransformerEncoderLayerCall {
  src_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  /** PyTorch 2.x's hint that src_mask is causal; without a src_mask, Tandem builds the causal mask. */
  is_causal?: boolean;
}

export interface TransformerDecoderLayerCall {
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  tgt_is_causal?: boolean;
  memory_is_causal?: boolean;
}

/** [L, S] bool mask, true where query i may NOT see key j > i: what is_causal stands for. */
export function causalMask(l: number, s: number): Tensor {
  return tensor(Array.from({ length: l }, (_, i) => Array.from({ length: s }, (_, j) => j > i)), { dtype: "bool" });
}

/** The mask a call uses: the one given, or the causal mask when only the hint is. */
export function maskFor(mask: Tensor | null, isCausal: boolean, l: number, s: number): Tensor | null {
  return mask ?? (isCausal ? causalMask(l, s) : null);
}

/** Sequence length of a [T, B, E], [B, T, E] or unbatched [T, E] input. */
export function seqLen(x: Tensor, batchFirst: boolean): number {
  return (x.dim() === 3 && batchFirst ? x.shape[1] : x.shape[0]) as number;
}

function activationFn(activation: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof activation === "function") return activation;
  if (activation === "relu") return relu;
  if (activation === "gelu") return (x) => gelu(x);
  throw new ApiError(`activation should be relu/gelu, not ${String(activation)}`);
}

/** The parts both layers share, under PyTorch's names: feed-forward block and its dropouts. */
function options(o: TransformerLayerOptions) {
  return {
    dimFeedforward: o.dim_feedforward ?? 2048,
    dropout: o.dropout ?? 0.1,
    activation: activationFn(o.activation ?? "relu"),
    eps: o.layer_norm_eps ?? 1e-5,
    batchFirst: o.batch_first ?? false,
    normFirst: o.norm_first ?? false,
    bias: o.bias ?? true,
  };
}

/**
 * nn.TransformerEncoderLayer: self-attention and a feed-forward block, each with a residual and a
 * LayerNorm (after, or with norm_first before). Parameter names are PyTorch's (self_attn.*,
 * linear1, linear2, norm1, norm2), so its state_dict loads as is.
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly norm_first: boolean;
  readonly batch_first: boolean;
  readonly activation: (x: Tensor) => Tensor;

  constructor(d_model: number, nhead: number, layerOptions: TransformerLayerOptions = {}) {
    super();
    const o = options(layerOptions);
    this.self_attn = new MultiheadAttention(d_model, nhead, { dropout: o.dropout, batch_first: o.batchFirst, bias: o.bias });
    this.linear1 = new Linear(d_model, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, d_model, { bias: o.bias });
    this.norm1 = new LayerNorm(d_model, { eps: o.eps, bias: o.bias });
    this.norm2 = new LayerNorm(d_model, { eps: o.eps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.norm_first = o.normFirst;
    this.batch_first = o.batchFirst;
    this.activation = o.activation;
  }

  override forward(src: Tensor, call: TransformerEncoderLayerCall = {}): Tensor {
    const l = seqLen(src, this.batch_first);
    const mask = maskFor(call.src_mask ?? null, call.is_causal ?? false, l, l);
    const padding = call.src_key_padding_mask ?? null;
    let x = src;
    if (this.norm_first) {
      x = x.add(this.selfAttention(this.norm1(x), mask, padding));
      return x.add(this.feedForward(this.norm2(x)));
    }
    x = this.norm1(x.add(this.selfAttention(x, mask, padding)));
    return this.norm2(x.add(this.feedForward(x)));
  }

  private selfAttention(x: Tensor, mask: Tensor | null, padding: Tensor | null): Tensor {
    const [y] = this.self_attn(x, x, x, { attn_mask: mask, key_padding_mask: padding, need_weights: false });
    return this.dropout1(y);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }
}

/**
 * nn.TransformerDecoderLayer: self-attention over the target, attention over the encoder's memory,
 * then the feed-forward block, each with a residual and a LayerNorm. PyTorch's parameter names
 * (self_attn, multihead_attn, linear1, linear2, norm1..3).
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly norm_first: boolean;
  readonly batch_first: boolean;
  readonly activation: (x: Tensor) => Tensor;

  constructor(d_model: number, nhead: number, layerOptions: TransformerLayerOptions = {}) {
    super();
    const o = options(layerOptions);
    const attention = () => new MultiheadAttention(d_model, nhead, { dropout: o.dropout, batch_first: o.batchFirst, bias: o.bias });
    this.self_attn = attention();
    this.multihead_attn = attention();
    this.linear1 = new Linear(d_model, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, d_model, { bias: o.bias });
    this.norm1 = new LayerNorm(d_model, { eps: o.eps, bias: o.bias });
    this.norm2 = new LayerNorm(d_model, { eps: o.eps, bias: o.bias });
    this.norm3 = new LayerNorm(d_model, { eps: o.eps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
    this.norm_first = o.normFirst;
    this.batch_first = o.batchFirst;
    this.activation = o.activation;
  }

  override forward(tgt: Tensor, memory: Tensor, call: TransformerDecoderLayerCall = {}): Tensor {
    const [l, s] = [seqLen(tgt, this.batch_first), seqLen(memory, this.batch_first)];
    const tgtMask = maskFor(call.tgt_mask ?? null, call.tgt_is_causal ?? false, l, l);
    const memoryMask = maskFor(call.memory_mask ?? null, call.memory_is_causal ?? false, l, s);
    const [tgtPadding, memoryPadding] = [call.tgt_key_padding_mask ?? null, call.memory_key_padding_mask ?? null];
    let x = tgt;
    if (this.norm_first) {
      x = x.add(this.selfAttention(this.norm1(x), tgtMask, tgtPadding));
      x = x.add(this.crossAttention(this.norm2(x), memory, memoryMask, memoryPadding));
      return x.add(this.feedForward(this.norm3(x)));
    }
    x = this.norm1(x.add(this.selfAttention(x, tgtMask, tgtPadding)));
    x = this.norm2(x.add(this.crossAttention(x, memory, memoryMask, memoryPadding)));
    return this.norm3(x.add(this.feedForward(x)));
  }

  private selfAttention(x: Tensor, mask: Tensor | null, padding: Tensor | null): Tensor {
    const [y] = this.self_attn(x, x, x, { attn_mask: mask, key_padding_mask: padding, need_weights: false });
    return this.dropout1(y);
  }

  private crossAttention(x: Tensor, memory: Tensor, mask: Tensor | null, padding: Tensor | null): Tensor {
    const [y] = this.multihead_attn(x, memory, memory, { attn_mask: mask, key_padding_mask: padding, need_weights: false });
    return this.dropout2(y);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout3(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }
}
