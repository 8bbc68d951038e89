import * as tf from "@tensorflow/tfjs-core";
import { inspect } from "node:util";
import { notifyRead, symbolicDescription } from "../eager/dispatch";
import { type DType, type DTypeLike, toDType as parseDType } from "./dtype";
import { ApiError, OpError, normalizeDim } from "./errors";
import { type Nested, formatTensor } from "./format";
import * as elementwise from "./ops/elementwise";
import type { Operand } from "./ops/elementwise";
import { matmul } from "./ops/linalg";
import * as reductions from "./ops/reduce";
import type { Dims, ValuesIndices } from "./ops/reduce";
import * as pointwise from "./ops/pointwise";
import * as scan from "./ops/scan";
import * as sorting from "./ops/sorting";
import * as statistics from "./ops/statistics";
import * as shapes from "./ops/shape";
import * as gs from "./ops/gather-scatter";
import * as masking from "./ops/masking";
import * as re from "./ops/rearrange";
import * as prod from "./ops/products";
import * as slicing from "./ops/slicing";

/** `f(2, 3)` or `f([2, 3])`, as PyTorch accepts sizes. */
export type SizeArgs = number[] | [readonly number[]];

export function sizeFromArgs(args: SizeArgs): number[] {
  const first = args[0];
  return Array.isArray(first) ? [...(first as readonly number[])] : (args as number[]);
}

/** PyTorch lets `keepdim` be passed positionally or by keyword; keywords arrive as a trailing object. */
export type KeepDim = boolean | { keepdim?: boolean };
const keep = (k: KeepDim | undefined): boolean => (typeof k === "object" ? (k.keepdim ?? false) : (k ?? false));

/**
 * A tensor in eager mode: an immutable view of one tfjs tensor. Methods follow PyTorch's names and
 * semantics (NCHW, `dim`, broadcasting); each runs one op through the dispatcher.
 */
export class Tensor {
  /** @internal */
  protected _raw: tf.Tensor;

  /** @internal Tensors come from ops and creation functions (tensor, zeros, randn...), not from `new`. */
  constructor(raw: tf.Tensor) {
    this._raw = raw;
  }

  /** @internal The underlying tfjs tensor, for kernels. */
  get raw(): tf.Tensor {
    return this._raw;
  }

  /**
   * @internal The values permuted by `perm`, for a kernel that wants another layout. A Parameter
   * keeps itself in that layout; a plain tensor is transposed on each call.
   */
  inLayout(perm: readonly number[]): tf.Tensor {
    return tf.transpose(this._raw, [...perm]);
  }

  /**
   * @internal Replaces the values in place (load_state_dict, nn.init), taking ownership of `values`:
   * every reference to this tensor sees them, as after PyTorch's copy_.
   */
  assign(values: tf.Tensor): void {
    const kept = tf.keep(values);
    if (kept !== this._raw) this._raw.dispose();
    this._raw = kept;
  }

  /**
   * A copy, like PyTorch's torch.Size is immutable: changing what it returns cannot change the
   * tensor. (tfjs's own shape array is the tensor's; handing it out let `x.shape[1] = 99` corrupt x.)
   */
  get shape(): number[] {
    return this.rawShape.slice();
  }

  /**
   * @internal The shape array itself, not a copy, for Tandem's own code, which reads shapes on
   * every op and never changes them. Subclasses whose shape is not `_raw`'s override this one.
   */
  get rawShape(): readonly number[] {
    return this._raw.shape;
  }

  get dtype(): DType {
    return this._raw.dtype as DType;
  }

  get ndim(): number {
    return this.rawShape.length;
  }

  dim(): number {
    return this.rawShape.length;
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.rawShape];
    if (this.dim() === 0) throw new OpError("size", [this.rawShape], `dimension specified as ${dim} but tensor has no dimensions`);
    return this.rawShape[normalizeDim(dim, this.dim(), "size", this.rawShape)] as number;
  }

  numel(): number {
    return this.rawShape.reduce((a, b) => a * b, 1);
  }

  // Arithmetic: tensors or plain numbers, broadcasting.
  add(other: Operand): Tensor { return elementwise.add(this, other); }
  sub(other: Operand): Tensor { return elementwise.sub(this, other); }
  mul(other: Operand): Tensor { return elementwise.mul(this, other); }
  div(other: Operand): Tensor { return elementwise.div(this, other); }
  pow(exponent: Operand): Tensor { return elementwise.pow(this, exponent); }
  maximum(other: Operand): Tensor { return elementwise.maximum(this, other); }
  minimum(other: Operand): Tensor { return elementwise.minimum(this, other); }
  neg(): Tensor { return elementwise.neg(this); }
  exp(): Tensor { return elementwise.exp(this); }
  log(): Tensor { return elementwise.log(this); }
  sqrt(): Tensor { return elementwise.sqrt(this); }
  rsqrt(): Tensor { return elementwise.rsqrt(this); }
  abs(): Tensor { return elementwise.abs(this); }
  sin(): Tensor { return elementwise.sin(this); }
  cos(): Tensor { return elementwise.cos(this); }
  erf(): Tensor { return elementwise.erf(this); }
  clamp(min: number | null = null, max: number | null = null): Tensor { return elementwise.clamp(this, min, max); }
  relu(): Tensor { return elementwise.relu(this); }
  sigmoid(): Tensor { return elementwise.sigmoid(this); }
  tanh(): Tensor { return elementwise.tanh(this); }

  // Elementwise math and logic (ops/pointwise.ts).
  square(): Tensor { return pointwise.square(this); }
  reciprocal(): Tensor { return pointwise.reciprocal(this); }
  sign(): Tensor { return pointwise.sign(this); }
  floor(): Tensor { return pointwise.floor(this); }
  ceil(): Tensor { return pointwise.ceil(this); }
  round(): Tensor { return pointwise.round(this); }
  trunc(): Tensor { return pointwise.trunc(this); }
  remainder(other: Operand): Tensor { return pointwise.remainder(this, other); }
  fmod(other: Operand): Tensor { return pointwise.fmod(this, other); }
  logical_and(other: Tensor): Tensor { return pointwise.logical_and(this, other); }
  logical_or(other: Tensor): Tensor { return pointwise.logical_or(this, other); }
  logical_xor(other: Tensor): Tensor { return pointwise.logical_xor(this, other); }
  logical_not(): Tensor { return pointwise.logical_not(this); }
  isnan(): Tensor { return pointwise.isnan(this); }
  isinf(): Tensor { return pointwise.isinf(this); }
  nan_to_num(options: pointwise.NanToNumOptions = {}): Tensor { return pointwise.nan_to_num(this, options); }

  // Reductions, scans and sorting (ops/statistics.ts, scan.ts, sorting.ts).
  prod(dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.prod(this, dim, keepdim); }
  amax(dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.amax(this, dim, keepdim); }
  amin(dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.amin(this, dim, keepdim); }
  logsumexp(dim: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.logsumexp(this, dim, keepdim); }
  any(dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.any(this, dim, keepdim); }
  all(dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.all(this, dim, keepdim); }
  var(dim?: Dims | statistics.VarOptions, options?: statistics.VarOptions): Tensor { return statistics.variance(this, dim, options); }
  std(dim?: Dims | statistics.VarOptions, options?: statistics.VarOptions): Tensor { return statistics.std(this, dim, options); }
  norm(p?: number | "fro" | statistics.NormOptions, dim?: Dims, keepdim?: boolean | statistics.ReduceOptions): Tensor { return statistics.norm(this, p, dim, keepdim); }
  cumsum(dim: number): Tensor { return scan.cumsum(this, dim); }
  cumprod(dim: number): Tensor { return scan.cumprod(this, dim); }
  topk(k: number, options?: sorting.TopkOptions | number): ValuesIndices { return sorting.topk(this, k, options); }
  sort(options?: sorting.SortOptions | number): ValuesIndices { return sorting.sort(this, options); }
  argsort(options?: sorting.SortOptions | number): Tensor { return sorting.argsort(this, options); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  softmax(dim: number): Tensor { return reductions.softmax(this, dim); }
  log_softmax(dim: number): Tensor { return reductions.log_softmax(this, dim); }

  // Comparisons return bool tensors.
  gt(other: Operand): Tensor { return elementwise.gt(this, other); }
  lt(other: Operand): Tensor { return elementwise.lt(this, other); }
  ge(other: Operand): Tensor { return elementwise.ge(this, other); }
  le(other: Operand): Tensor { return elementwise.le(this, other); }
  eq(other: Operand): Tensor { return elementwise.eq(this, other); }
  ne(other: Operand): Tensor { return elementwise.ne(this, other); }

  // Reductions.
  sum(dim?: Dims, keepdim?: KeepDim): Tensor { return reductions.sum(this, dim, keep(keepdim)); }
  mean(dim?: Dims, keepdim?: KeepDim): Tensor { return reductions.mean(this, dim, keep(keepdim)); }
  max(): Tensor;
  max(dim: number, keepdim?: KeepDim): ValuesIndices;
  max(dim?: number, keepdim?: KeepDim): Tensor | ValuesIndices {
    return dim === undefined ? reductions.extreme("max", this) : reductions.extremeAlong("max", this, dim, keep(keepdim));
  }
  min(): Tensor;
  min(dim: number, keepdim?: KeepDim): ValuesIndices;
  min(dim?: number, keepdim?: KeepDim): Tensor | ValuesIndices {
    return dim === undefined ? reductions.extreme("min", this) : reductions.extremeAlong("min", this, dim, keep(keepdim));
  }
  argmax(dim?: number | null, keepdim?: KeepDim): Tensor { return reductions.argExtreme("argmax", this, dim, keep(keepdim)); }
  argmin(dim?: number | null, keepdim?: KeepDim): Tensor { return reductions.argExtreme("argmin", this, dim, keep(keepdim)); }

  // Shapes. `view` is `reshape`: tfjs tensors are always contiguous, so there is no aliasing to keep.
  reshape(...shape: SizeArgs): Tensor { return shapes.reshape(this, sizeFromArgs(shape)); }
  view(...shape: SizeArgs): Tensor { return shapes.reshape(this, sizeFromArgs(shape), "view"); }
  flatten(startDim = 0, endDim = -1): Tensor { return shapes.flatten(this, startDim, endDim); }
  permute(...dims: SizeArgs): Tensor { return shapes.permute(this, sizeFromArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return shapes.transpose(this, dim0, dim1); }
  /** The transpose of a 2-D tensor (x.T); reverses all dims otherwise, as PyTorch does. */
  get T(): Tensor { return shapes.permute(this, [...Array(this.dim()).keys()].reverse()); }
  unsqueeze(dim: number): Tensor { return shapes.unsqueeze(this, dim); }
  squeeze(dim?: number | null): Tensor { return shapes.squeeze(this, dim); }
  expand(...sizes: SizeArgs): Tensor { return shapes.expand(this, sizeFromArgs(sizes)); }
  /** Always a no-op: every tfjs tensor is contiguous. Kept so PyTorch code runs unchanged. */
  contiguous(): Tensor { return this; }
  chunk(chunks: number, dim = 0): Tensor[] { return shapes.chunk(this, chunks, dim); }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] { return shapes.split(this, splitSize, dim); }
  select(dim: number, index: number): Tensor { return shapes.select(this, dim, index); }
  narrow(dim: number, start: number, length: number): Tensor { return shapes.narrow(this, dim, start, length); }

  // Python-style indexing (engine/api/ops/slicing.ts): x.idx("..., :2") is x[..., :2].
  /** x.idx(...items): Python's x[items]; strings in Python's syntax, T.slice/T.ellipsis, null (None), integers, index tensors. */
  idx(...items: slicing.IndexItem[]): Tensor { return slicing.idx(this, ...items); }
  /** A copy of x with `values` where x.idx(indices) reads (`x[indices] = values`); { accumulate } adds. */
  index_put(indices: slicing.IndexItem | readonly slicing.IndexItem[], values: Tensor | number | boolean, options?: slicing.IndexPutOptions): Tensor { return slicing.index_put(this, indices, values, options); }
  /** PyTorch's in-place name; Tandem tensors are immutable, so it returns the new tensor as index_put does. */
  index_put_(indices: slicing.IndexItem | readonly slicing.IndexItem[], values: Tensor | number | boolean, options?: slicing.IndexPutOptions): Tensor { return slicing.index_put(this, indices, values, options); }

  // Masking, selection and rearranging (engine/api/ops/{masking,gather-scatter,rearrange,products}.ts).
  masked_fill(mask: Tensor, value: number | boolean | Tensor): Tensor { return masking.masked_fill(this, mask, value); }
  /** x.where(condition, other): x where condition is true, else other (torch.where(condition, x, other)). */
  where(condition: Tensor, other: Operand): Tensor { return elementwise.where(condition, this, other); }
  gather(dim: number, index: Tensor): Tensor { return gs.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return gs.scatter(this, dim, index, src); }
  scatter_add(dim: number, index: Tensor, src: Tensor): Tensor { return gs.scatter_add(this, dim, index, src); }
  index_select(dim: number, index: Tensor): Tensor { return gs.index_select(this, dim, index); }
  take_along_dim(indices: Tensor, dim?: number | null | { dim?: number | null }): Tensor { return gs.take_along_dim(this, indices, dim); }
  tril(diagonal: masking.Diagonal = 0): Tensor { return masking.tril(this, diagonal); }
  triu(diagonal: masking.Diagonal = 0): Tensor { return masking.triu(this, diagonal); }
  flip(...dims: SizeArgs): Tensor { return re.flip(this, sizeFromArgs(dims)); }
  roll(shifts: number | readonly number[], dims?: re.RollDims): Tensor { return re.roll(this, shifts, dims); }
  repeat(...sizes: SizeArgs): Tensor { return re.repeat(this, sizeFromArgs(sizes)); }
  repeat_interleave(repeats: number, dim?: number | null | re.RepeatInterleaveOptions): Tensor { return re.repeat_interleave(this, repeats, dim); }
  expand_as(other: Tensor): Tensor { return re.expand_as(this, other); }
  view_as(other: Tensor): Tensor { return re.view_as(this, other); }
  reshape_as(other: Tensor): Tensor { return re.reshape_as(this, other); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return re.unflatten(this, dim, sizes); }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor { return re.movedim(this, source, destination); }
  clone(options: re.CloneOptions = {}): Tensor { return re.clone(this, options); }
  detach(): Tensor { return re.detach(this); }
  bmm(mat2: Tensor): Tensor { return prod.bmm(this, mat2); }
  baddbmm(batch1: Tensor, batch2: Tensor, options: prod.BaddbmmOptions = {}): Tensor { return prod.baddbmm(this, batch1, batch2, options); }
  outer(vec2: Tensor): Tensor { return prod.outer(this, vec2); }

  // Dtypes.
  to(dtype: DTypeLike): Tensor { return shapes.toDType(this, parseDType(dtype)); }
  float(): Tensor { return shapes.toDType(this, "float32"); }
  int(): Tensor { return shapes.toDType(this, "int32"); }
  long(): Tensor { return shapes.toDType(this, "int32"); }
  bool(): Tensor { return shapes.toDType(this, "bool"); }

  // Values. These synchronise with the kernel library and are graph breaks in graph mode.
  /** The value of a one-element tensor as a JS number (bools as 0/1). */
  item(): number {
    notifyRead(this, "item");
    if (this.numel() !== 1) {
      throw new OpError("item", [this.rawShape], `a Tensor with ${this.numel()} elements cannot be converted to a number`);
    }
    return Number(this.raw.dataSync()[0]);
  }

  /** Nested arrays of the values, like PyTorch's tolist(). */
  toArray(): Nested {
    notifyRead(this, "toArray");
    return this.values();
  }

  /** Nested values; tfjs reads bools as 0/1, PyTorch's tolist() gives booleans. */
  private values(): Nested {
    const nested = this.raw.arraySync() as Nested;
    if (this.dtype !== "bool") return nested;
    const toBool = (v: Nested): Nested => (Array.isArray(v) ? v.map(toBool) : v === 1 || v === true);
    return toBool(nested);
  }

  tolist(): Nested {
    return this.toArray();
  }

  /** Lets `if (x.sum() > 0)` work on one-element tensors in eager mode, as Python's `bool(t)` does. */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === "string") return this.toString();
    notifyRead(this, "toPrimitive");
    if (this.numel() !== 1) {
      throw new ApiError(
        `a tensor of shape [${this.rawShape.join(", ")}] was used as a number: only one-element tensors can be (use .item() or reduce it first)`,
      );
    }
    return Number(this.raw.dataSync()[0]);
  }

  toString(): string {
    const symbolic = symbolicDescription(this);
    if (symbolic !== null) return symbolic;
    return formatTensor(this.values(), this.rawShape, this.dtype);
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
