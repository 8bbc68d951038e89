/** The `F` namespace: torch.nn.functional's names and semantics. */
export { gelu, sigmoid, tanh } from "../ops/elementwise";
export { relu, silu, type InplaceArg } from "./inplace";
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
export { group_norm, instance_norm, rms_norm, normalize, type GroupNormOptions, type InstanceNormOptions, type RmsNormOptions, type NormalizeOptions } from "./norm-composite";
