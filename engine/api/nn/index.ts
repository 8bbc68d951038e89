/** The `nn` namespace: torch.nn's layers, containers and init functions. */
export { Module, type LoadResult } from "./module";
export type { RegisterBufferOptions } from "./module";
export { Parameter } from "../parameter";
export { Linear } from "./linear";
export { Conv2d, type Conv2dLayerOptions } from "./conv";
export { BatchNorm2d, BatchNorm1d, LayerNorm, type BatchNormLayerOptions, type LayerNormLayerOptions } from "./normalization";
export { Embedding } from "./embedding";
export { ReLU, GELU, SiLU, Sigmoid, Tanh, Softmax, Identity, Dropout, Flatten } from "./activation";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from "./pooling";
export { Sequential, ModuleList } from "./container";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCall } from "./attention";
export { LeakyReLU, ELU, ReLU6, Hardswish, Hardsigmoid, Hardtanh, Mish, Softplus, GLU } from "./nonlinear";
export * as init from "./init-public";
export { RNN, LSTM, GRU, type RNNOptions, type RNNBaseOptions } from "./rnn";
export { TransformerEncoderLayer, TransformerDecoderLayer, type TransformerActivation, type TransformerLayerOptions, type TransformerEncoderLayerCall, type TransformerDecoderLayerCall } from "./transformer-layer";
export { Transformer, TransformerEncoder, TransformerDecoder, type TransformerOptions, type TransformerCall, type TransformerEncoderOptions, type TransformerEncoderCall, type TransformerDecoderOptions } from "./transformer";
export { GroupNorm, InstanceNorm2d, RMSNorm, type GroupNormLayerOptions, type InstanceNormLayerOptions, type RMSNormLayerOptions } from "./normalization-more";
export { ModuleDict, ParameterList, ParameterDict } from "./container-dicts";
