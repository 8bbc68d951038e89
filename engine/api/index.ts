/**
 * The `tandem` module that model files import: `import { nn, F, Tensor } from "tandem"`.
 * PyTorch's names and semantics; keyword arguments become a trailing options object.
 */
export { Tensor } from "./tensor";
export { Parameter } from "./parameter";
export type { DType, DTypeLike } from "./dtype";
export * as nn from "./nn";
export * as F from "./functional";
export { manual_seed, Generator } from "./random";
export { tensor, zeros, ones, full, zeros_like, ones_like, full_like, arange, randn, rand, randint } from "./creation";
export { empty, eye, linspace, randn_like, rand_like, randint_like } from "./creation";
export { matmul } from "./ops/linalg";
export { cat, stack, reshape, flatten, permute, transpose, unsqueeze, squeeze, chunk, split } from "./ops/shape";
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, rsqrt, abs, sin, cos, erf, clamp,
  relu, sigmoid, tanh, gt, lt, ge, le, eq, ne, where,
} from "./ops/elementwise";
export { sum, mean, softmax, log_softmax } from "./ops/reduce";
export {
  square, reciprocal, sign, floor, ceil, round, trunc, remainder, fmod,
  logical_and, logical_or, logical_xor, logical_not, isnan, isinf, nan_to_num,
} from "./ops/pointwise";
export { prod, amax, amin, logsumexp, any, all, variance as var, std, norm } from "./ops/statistics";
export { cumsum, cumprod } from "./ops/scan";
export { topk, sort, argsort } from "./ops/sorting";
export { masked_fill, tril, triu } from "./ops/masking";
export { gather, scatter, scatter_add, index_select, take_along_dim } from "./ops/gather-scatter";
export { flip, roll, repeat_interleave, unflatten, movedim, clone, detach } from "./ops/rearrange";
export { bmm, baddbmm, outer } from "./ops/products";
export { einsum } from "./ops/einsum";
export { idx, index_put, index_put as index_put_, ellipsis, slice, type IndexItem, type Slice, type IndexPutOptions } from "./ops/slicing";
export { OpError as ShapeError, ApiError as TandemError } from "./errors";
