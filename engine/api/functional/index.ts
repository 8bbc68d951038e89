/** The `F` namespace: torch.nn.functional's names and semantics. */
export { relu, gelu, silu, sigmoid, tanh } from "../ops/elementwise";
export { softmax, log_softmax } from "../ops/reduce";
export { linear } from "./linear";
export { conv2d, type Conv2dOptions } from "./conv";
export { max_pool2d, avg_pool2d, adaptive_avg_pool2d, type MaxPool2dOptions, type AvgPool2dOptions } from "./pool";
export { batch_norm, layer_norm, type BatchNormOptions, type LayerNormOptions } from "./norm";
export { embedding, type EmbeddingOptions } from "./embedding";
export { dropout, type DropoutOptions } from "./dropout";
export { scaled_dot_product_attention, type AttentionOptions } from "./attention";
export { leaky_relu, elu, relu6, hardtanh, hardsigmoid, hardswish, softplus, mish, glu, type InplaceOption } from "./activations";
export { cosine_similarity, one_hot, type CosineSimilarityOptions } from "./similarity";
export { conv1d, type Conv1dOptions } from "./conv1d";
export { conv_transpose1d, conv_transpose2d, type ConvTranspose1dOptions, type ConvTranspose2dOptions } from "./conv-transpose";
export { interpolate, type InterpolateOptions, type InterpolateMode } from "./interpolate";
export { pad, type PadOptions, type PadMode } from "./pad";
export { max_pool1d, avg_pool1d, adaptive_avg_pool1d, type MaxPool1dOptions, type AvgPool1dOptions } from "./pool1d";
export { adaptive_max_pool2d, type AdaptiveMaxPoolOptions } from "./adaptive-max-pool";
export { pixel_shuffle, pixel_unshuffle } from "./pixel-shuffle";
