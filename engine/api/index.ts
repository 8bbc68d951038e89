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
export { matmul } from "./ops/linalg";
export { cat, stack, reshape, flatten, permute, transpose, unsqueeze, squeeze, chunk, split } from "./ops/shape";
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, rsqrt, abs, sin, cos, erf, clamp,
  relu, sigmoid, tanh, gt, lt, ge, le, eq, ne, where,
} from "./ops/elementwise";
export { sum, mean, softmax, log_softmax } from "./ops/reduce";
export { OpError as ShapeError, ApiError as TandemError } from "./errors";
export { unflatten } from "./functional/unflatten";
