/** The `nn` namespace: torch.nn's layers, containers and init functions. */
export { Module, type LoadResult } from "./module";
export { Parameter } from "../parameter";
export { Linear } from "./linear";
export { Conv2d, type Conv2dLayerOptions } from "./conv";
export { BatchNorm2d, LayerNorm, type BatchNormLayerOptions, type LayerNormLayerOptions } from "./normalization";
export { Embedding } from "./embedding";
export { ReLU, GELU, SiLU, Sigmoid, Tanh, Softmax, Identity, Dropout, Flatten } from "./activation";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from "./pooling";
export { Sequential, ModuleList } from "./container";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCall } from "./attention";
export * as init from "./init-public";
export { Conv1d, type Conv1dLayerOptions } from "./conv1d";
export { ConvTranspose1d, ConvTranspose2d, type ConvTranspose1dLayerOptions, type ConvTranspose2dLayerOptions } from "./conv-transpose";
export { Upsample } from "./upsample";
export { ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d } from "./padding";
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool2d } from "./pooling-more";
export { PixelShuffle, PixelUnshuffle } from "./pixel-shuffle";
export { Unflatten } from "./unflatten";
