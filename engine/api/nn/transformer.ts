import { ApiError, OpError } from "../errors";
import { tensor, zeros } from "../creation";
import type { Tensor } from "../tensor";
import { deepcopy } from "./clone";
import { ModuleList } from "./container";
import { xavier_uniform_ } from "./init";
import { Module } from "./module";
import { LayerNorm } from "./normalization";
import {
  type TransformerDecoderLayerCall,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
  maskFor,
  seqLen,
} from "./transformer-layer";

/** A layer norm (or any tensor-to-tensor module) applied after the last layer. */
type FinalNorm = Module & ((x: Tensor) => Tensor);

export interface TransformerEncoderOptions {
  norm?: FinalNorm | null;
  /** PyTorch's nested-tensor fast path; Tandem always computes the padded result. */
  enable_nested_tensor?: boolean;
  mask_check?: boolean;
}

export interface TransformerEncoderCall {
  mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  is_causal?: boolean;
}

function checkLayers(name: string, numLayers: number): void {
  if (!Number.isInteger(numLayers) || numLayers < 0) throw new ApiError(`${name}: num_layers must be a non-negative integer, got ${numLayers}`);
}

/**
 * nn.TransformerEncoder: `num_layers` copies of one encoder layer (deep copies, as PyTorch's
 * _get_clones: they start equal and are trained apart), then an optional final norm.
 */
export class TransformerEncoder extends Module {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: FinalNorm | null;

  constructor(
    encoder_layer: TransformerEncoderLayer,
    readonly num_layers: number,
    options: TransformerEncoderOptions = {},
  ) {
    super();
    checkLayers("TransformerEncoder", num_layers);
    this.layers = new ModuleList(Array.from({ length: num_layers }, () => deepcopy(encoder_layer)));
    this.norm = options.norm ?? null;
  }

  override forward(src: Tensor, call: TransformerEncoderCall = {}): Tensor {
    const first = this.layers[0];
    const l = seqLen(src, first?.batch_first ?? false);
    // The causal mask is built once for all layers.
    const mask = maskFor(call.mask ?? null, call.is_causal ?? false, l, l);
    let x = src;
    for (const layer of this.layers) x = layer(x, { src_mask: mask, src_key_padding_mask: call.src_key_padding_mask ?? null });
    return this.norm ? this.norm(x) : x;
  }
}

export interface TransformerDecoderOptions {
  norm?: FinalNorm | null;
}

/** nn.TransformerDecoder: `num_layers` deep copies of one decoder layer, then an optional norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList<TransformerDecoderLayer>;
  norm: FinalNorm | null;

  constructor(
    decoder_layer: TransformerDecoderLayer,
    readonly num_layers: number,
    options: TransformerDecoderOptions = {},
  ) {
    super();
    checkLayers("TransformerDecoder", num_layers);
    this.layers = new ModuleList(Array.from({ length: num_layers }, () => deepcopy(decoder_layer)));
    this.norm = options.norm ?? null;
  }

  override forward(tgt: Tensor, memory: Tensor, call: TransformerDecoderLayerCall = {}): Tensor {
    const batchFirst = this.layers[0]?.batch_first ?? false;
    const [l, s] = [seqLen(tgt, batchFirst), seqLen(memory, batchFirst)];
    const layerCall: TransformerDecoderLayerCall = {
      tgt_mask: maskFor(call.tgt_mask ?? null, call.tgt_is_causal ?? false, l, l),
      memory_mask: maskFor(call.memory_mask ?? null, call.memory_is_causal ?? false, l, s),
      tgt_key_padding_mask: call.tgt_key_padding_mask ?? null,
      memory_key_padding_mask: call.memory_key_padding_mask ?? null,
    };
    let x = tgt;
    for (const layer of this.layers) x = layer(x, memory, layerCall);
    return this.norm ? this.norm(x) : x;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  d_model?: number;
  nhead?: number;
  num_encoder_layers?: number;
  num_decoder_layers?: number;
  custom_encoder?: (Module & ((src: Tensor, call?: TransformerEncoderCall) => Tensor)) | null;
  custom_decoder?: (Module & ((tgt: Tensor, memory: Tensor, call?: TransformerDecoderLayerCall) => Tensor)) | null;
}

export interface TransformerCall {
  src_mask?: Tensor | null;
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  src_is_causal?: boolean;
  tgt_is_causal?: boolean;
  memory_is_causal?: boolean;
}

/**
 * nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm, every weight matrix
 * initialised by xavier_uniform_ as PyTorch's _reset_parameters does.
 */
export class Transformer extends Module {
  encoder: Module & ((src: Tensor, call?: TransformerEncoderCall) => Tensor);
  decoder: Module & ((tgt: Tensor, memory: Tensor, call?: TransformerDecoderLayerCall) => Tensor);
  readonly d_model: number;
  readonly nhead: number;
  readonly batch_first: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    this.d_model = options.d_model ?? 512;
    this.nhead = options.nhead ?? 8;
    this.batch_first = options.batch_first ?? false;
    const eps = options.layer_norm_eps ?? 1e-5;
    const bias = options.bias ?? true;
    this.encoder =
      options.custom_encoder ??
      new TransformerEncoder(new TransformerEncoderLayer(this.d_model, this.nhead, options), options.num_encoder_layers ?? 6, {
        norm: new LayerNorm(this.d_model, { eps, bias }),
      });
    this.decoder =
      options.custom_decoder ??
      new TransformerDecoder(new TransformerDecoderLayer(this.d_model, this.nhead, options), options.num_decoder_layers ?? 6, {
        norm: new LayerNorm(this.d_model, { eps, bias }),
      });
    for (const p of this.parameters()) if (p.dim() > 1) xavier_uniform_(p);
  }

  override forward(src: Tensor, tgt: Tensor, call: TransformerCall = {}): Tensor {
    const batched = src.dim() === 3;
    const batchDim = this.batch_first ? 0 : 1;
    if (batched && src.shape[batchDim] !== tgt.shape[batchDim]) throw new OpError("Transformer", [src.shape, tgt.shape], "the batch number of src and tgt must be equal");
    if (!batched && tgt.dim() === 3) throw new OpError("Transformer", [src.shape, tgt.shape], "the batch number of src and tgt must be equal");
    if (src.shape[src.dim() - 1] !== this.d_model || tgt.shape[tgt.dim() - 1] !== this.d_model) {
      throw new OpError("Transformer", [src.shape, tgt.shape], `the feature number of src and tgt must be equal to d_model (${this.d_model})`);
    }
    const memory = this.encoder(src, { mask: call.src_mask ?? null, src_key_padding_mask: call.src_key_padding_mask ?? null, is_causal: call.src_is_causal ?? false });
    return this.decoder(tgt, memory, {
      tgt_mask: call.tgt_mask ?? null,
      memory_mask: call.memory_mask ?? null,
      tgt_key_padding_mask: call.tgt_key_padding_mask ?? null,
      memory_key_padding_mask: call.memory_key_padding_mask ?? null,
      tgt_is_causal: call.tgt_is_causal ?? false,
      memory_is_causal: call.memory_is_causal ?? false,
    });
  }

  /** [sz, sz] float mask: 0 on and below the diagonal, -inf above (position i sees 0..i). */
  static generate_square_subsequent_mask(sz: number): Tensor {
    if (!Number.isInteger(sz) || sz < 0) throw new ApiError(`generate_square_subsequent_mask: sz must be a non-negative integer, got ${sz}`);
    if (sz === 0) return zeros(0, 0);
    return tensor(Array.from({ length: sz }, (_, i) => Array.from({ length: sz }, (_, j) => (j > i ? -Infinity : 0))));
  }
}

