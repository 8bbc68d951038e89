import * as tf from "@tensorflow/tfjs-core";
import { apply, notifyRead } from "../../eager/dispatch";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { add, lt, mul, where } from "./elementwise";
import { scatter, scatter_add, index_select } from "./gather-scatter";
import { type IndexItem, ellipsis, expandItems } from "./index-spec";
import { indexPutNd, scatterNdIndices, scatterNdShapes } from "./index-put-nd";
import { expand, permute, reshape, toDType } from "./shape";

/**
 * Python's indexing, `x[..., 1:-1:2, None, idx]`, as `x.idx("..., 1:-1:2, None", idx)`, with
 * PyTorch's semantics: integers drop their dim (out of range is an error), slices clamp, None
 * inserts a dim, `...` stands for the dims the index leaves unnamed, and tensor indices follow
 * advanced indexing (index tensors broadcast; their result dims replace the indexed dims when
 * they are adjacent, else go first, as in numpy). Integers are selects before the advanced
 * index, as in PyTorch (x[0, :, idx] on [4, 5, 6] is [5, len(idx)], where numpy gives [len, 5]).
 *
 * Differences from PyTorch: results are copies (Tandem tensors are immutable; PyTorch's basic
 * slices are views, with the same values); a negative step is PyTorch's error too; two ellipses
 * are an error (numpy's), where torch 1.13 ignores the second. A bool mask's result has a shape
 * that depends on its values: eager reads the mask; while tracing that read is a graph break
 * (`idx` with a mask is never exported).
 *
 * Basic items become one `slice` op (ONNX Slice) and a reshape; tensor indices are composites of
 * index_select (ONNX Gather), permute and reshape. Writing (index_put) with only index tensors is
 * one index_put op (ONNX ScatterND, index-put-nd.ts); any other index scatters into the flat tensor
 * at the positions the same index reads of a position table (ONNX ScatterElements).
 */

type SliceAttrs = { starts: number[]; ends: number[]; steps: number[] };

const SLICE = defineOp<SliceAttrs>({
  name: "slice",
  summary: "x[start:stop:step, ...] in every dim at once (basic indexing; ONNX Slice)",
  kernel: ([x], a) => {
    // A plain slice, then every 1 in `step` rows along each strided dim: tfjs-wasm's stridedSlice
    // reads int32 data as float32 bits, so it is not used.
    let out = tf.slice(x as tf.Tensor, a.starts, a.ends.map((e, d) => e - (a.starts[d] as number)));
    a.steps.forEach((step, d) => {
      if (step === 1) return;
      const kept = Math.ceil((out.shape[d] as number) / step);
      out = tf.gather(out, tf.range(0, kept * step, step, "int32"), d);
    });
    return out;
  },
  onnx: {
    ops: ["Slice"],
    emit: (ctx) => {
      // Only the dims the index cuts: a whole dim 0 then stays free for --dynamic-batch.
      const { starts, ends, steps } = ctx.attrs;
      const shape = ctx.type(0).shape;
      const axes = starts.map((_, d) => d).filter((d) => starts[d] !== 0 || ends[d] !== shape[d] || steps[d] !== 1);
      const pick = (values: number[]) => ctx.int64(axes.map((d) => values[d] as number));
      return ctx.op("Slice", [ctx.input(0), pick(starts), pick(ends), ctx.int64(axes), pick(steps)]);
    },
  },
  flops: none,
  effect: "pure",
});

type Basic = number | null | typeof ellipsis | { kind: "slice"; start: number | null; stop: number | null; step: number | null };
type Item = Basic | Tensor;

const isTensor = (item: Item): item is Tensor => item instanceof Tensor;
/** A tensor a compiled segment has not computed yet: reading it would force the segment. */
const unsettled = (t: Tensor): boolean => (t as unknown as { isSettled?: boolean }).isSettled === false;

function fail(x: Tensor, message: string): never {
  throw new OpError("idx", [x.rawShape], message);
}

/** Python's slice.indices for a positive step: bounds made non-negative and clamped to the size. */
function sliceBounds(x: Tensor, s: { start: number | null; stop: number | null; step: number | null }, size: number): [number, number, number] {
  const step = s.step ?? 1;
  if (step === 0) fail(x, "slice step cannot be zero");
  if (step < 0) fail(x, "step must be greater than zero");
  const clamp = (v: number | null, dflt: number) => (v === null ? dflt : Math.min(size, Math.max(0, v < 0 ? v + size : v)));
  const start = clamp(s.start, 0);
  const stop = Math.max(start, clamp(s.stop, size));
  return [start, stop, step];
}

/** The coordinates of a bool mask's true elements, one int index per mask dim (nonzero, as columns). */
function maskIndices(mask: Tensor): Tensor[] {
  notifyRead(mask, "booleanMask");
  const values = mask.raw.dataSync();
  const shape = mask.rawShape;
  const cols: number[][] = shape.map(() => []);
  for (let flat = 0; flat < values.length; flat++) {
    if (!values[flat]) continue;
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d] as number;
      (cols[d] as number[]).push(rest % n);
      rest = Math.floor(rest / n);
    }
  }
  return cols.map((c) => new Tensor(tf.tensor1d(c, "int32")));
}

interface Advanced {
  /** The dim of the basic result this index applies to. */
  pos: number;
  /** The dim of x, for messages. */
  xDim: number;
  index: Tensor;
  /** Indices read from a mask: known to be in range. */
  fromMask: boolean;
}

/** Non-negative, range-checked (with PyTorch's message) index values for a dim of `size`. */
function normalizeIndex(x: Tensor, a: Advanced, size: number): Tensor {
  if (a.fromMask) return a.index;
  if (!unsettled(a.index)) {
    const values = a.index.raw.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v < -size || v >= size) fail(x, `index ${v} is out of bounds for dimension ${a.xDim} with size ${size}`);
    }
  }
  return where(lt(a.index, 0), add(a.index, size), a.index);
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((n, i) => n === b[i]);
const product = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);

/** Gathers the advanced indices of `y` (the basic result); see the file comment for the rules. */
function gatherAdvanced(x: Tensor, y: Tensor, adv: readonly Advanced[]): Tensor {
  const shape = y.rawShape;
  const indices = adv.map((a) => normalizeIndex(x, a, shape[a.pos] as number));
  const common = indices.map((t) => t.rawShape).reduce((a, b) => broadcastShapes("idx", a, b), [] as readonly number[]);
  const ps = adv.map((a) => a.pos);
  if (ps.length === 1) {
    const p = ps[0] as number;
    const picked = index_select(y, p, reshape(indices[0] as Tensor, [-1]));
    return reshape(picked, [...shape.slice(0, p), ...common, ...shape.slice(p + 1)]);
  }
  // Several indices: the advanced dims moved to the front and merged into one, indexed by the
  // flat offset sum(index_i * stride_i).
  const rest = shape.map((_, d) => d).filter((d) => !ps.includes(d));
  const order = [...ps, ...rest];
  const front = order.every((d, i) => d === i) ? y : permute(y, order);
  const sizes = ps.map((p) => shape[p] as number);
  let offset: Tensor | null = null;
  let stride = 1;
  for (let i = indices.length - 1; i >= 0; i--) {
    const idx = same(indices[i]?.rawShape ?? [], common) ? (indices[i] as Tensor) : expand(indices[i] as Tensor, common);
    const term = stride === 1 ? idx : mul(idx, stride);
    offset = offset === null ? term : add(term, offset);
    stride *= sizes[i] as number;
  }
  const restShape = rest.map((d) => shape[d] as number);
  const merged = reshape(front, [product(sizes), ...restShape]);
  const picked = reshape(index_select(merged, 0, reshape(offset as Tensor, [-1])), [...common, ...restShape]);
  const first = ps[0] as number;
  const adjacent = ps.every((p, i) => p === first + i);
  if (!adjacent || first === 0) return picked;
  // Adjacent indices: their result dims go where the indexed dims were.
  const nb = common.length;
  const dims = picked.rawShape.map((_, d) => d);
  return permute(picked, [...dims.slice(nb, nb + first), ...dims.slice(0, nb), ...dims.slice(nb + first)]);
}

/** x.idx(...items): Python's x[items]; strings hold Python's syntax ("..., :2", "None, :, 0"). */
export function idx(x: Tensor, ...raw: IndexItem[]): Tensor {
  const items: Item[] = expandItems(raw);
  const rank = x.dim();
  const shape = x.rawShape;
  if (items.filter((it) => it === ellipsis).length > 1) fail(x, "an index can only have a single ellipsis ('...')");
  const consumes = (it: Item) => (it === null || it === ellipsis ? 0 : isTensor(it) && it.dtype === "bool" ? it.dim() : 1);
  const named = items.reduce<number>((n, it) => n + consumes(it), 0);
  if (named > rank) fail(x, `too many indices for tensor of dimension ${rank}`);

  const starts = shape.map(() => 0);
  const ends = [...shape];
  const steps = shape.map(() => 1);
  const out: number[] = [];
  const adv: Advanced[] = [];
  let d = 0;
  for (const it of items) {
    if (it === ellipsis) {
      for (let k = 0; k < rank - named; k++, d++) out.push(shape[d] as number);
    } else if (it === null) {
      out.push(1);
    } else if (typeof it === "number") {
      const size = shape[d] as number;
      if (!Number.isInteger(it)) fail(x, `an integer index must be a whole number, got ${it}`);
      if (it < -size || it >= size) fail(x, `index ${it} is out of bounds for dimension ${d} with size ${size}`);
      starts[d] = it < 0 ? it + size : it;
      ends[d] = (starts[d] as number) + 1;
      d++;
    } else if (isTensor(it)) {
      if (it.dtype === "bool") {
        if (it.dim() === 0) fail(x, "a 0-d bool index (x[True]) is not supported; use x.idx(null) or a where()");
        const m = it.rawShape;
        m.forEach((n, k) => {
          if (n !== shape[d + k]) {
            fail(x, `The shape of the mask [${m.join(", ")}] at index ${k} does not match the shape of the indexed tensor [${shape.join(", ")}] at index ${d + k}`);
          }
        });
        maskIndices(it).forEach((index, k) => adv.push({ pos: out.length + k, xDim: d + k, index, fromMask: true }));
        for (const n of m) out.push(n);
        d += m.length;
      } else {
        if (it.dtype !== "int32") fail(x, "tensors used as indices must be long, byte or bool tensors");
        adv.push({ pos: out.length, xDim: d, index: it, fromMask: false });
        out.push(shape[d] as number);
        d++;
      }
    } else {
      const [start, stop, step] = sliceBounds(x, it, shape[d] as number);
      [starts[d], ends[d], steps[d]] = [start, stop, step];
      out.push(Math.ceil((stop - start) / step));
      d++;
    }
  }
  for (; d < rank; d++) out.push(shape[d] as number);

  const whole = starts.every((s, k) => s === 0 && ends[k] === shape[k] && steps[k] === 1);
  const sliced = whole ? x : apply(SLICE, [x], { starts, ends, steps });
  const basic = same(sliced.rawShape, out) ? sliced : reshape(sliced, out);
  return adv.length === 0 ? basic : gatherAdvanced(x, basic, adv);
}

export interface IndexPutOptions {
  /** Add the values at the indexed positions instead of writing them (repeated positions add up). */
  accumulate?: boolean;
}

/** The value broadcast to the indexed shape, with PyTorch's message when it cannot be. */
function fitValue(x: Tensor, value: Tensor, target: readonly number[]): Tensor {
  let v = toDType(value, x.dtype);
  const extra = v.dim() - target.length;
  if (extra > 0 && v.rawShape.slice(0, extra).every((n) => n === 1)) v = reshape(v, v.rawShape.slice(extra));
  const fits = v.dim() <= target.length && v.rawShape.every((n, i) => n === 1 || n === target[target.length - v.dim() + i]);
  if (!fits) {
    throw new OpError("index_put", [x.rawShape, value.rawShape], `shape mismatch: value tensor of shape [${value.rawShape.join(", ")}] cannot be broadcast to indexing result of shape [${target.join(", ")}]`);
  }
  return same(v.rawShape, target) ? v : expand(v, target);
}

/**
 * x.index_put(indices, values, { accumulate }): a copy of x with `values` written where
 * x.idx(...indices) reads (Python's `x[indices] = values`). `indices` is a string in Python's
 * syntax, one item, or an array of items (PyTorch's tuple of index tensors).
 */
export function index_put(x: Tensor, indices: IndexItem | readonly IndexItem[], values: Tensor | number | boolean, options: IndexPutOptions = {}): Tensor {
  const items = Array.isArray(indices) ? (indices as readonly IndexItem[]) : [indices as IndexItem];
  const fill = (shape: readonly number[]) => new Tensor(tf.fill([...shape], Number(values), x.dtype));
  const tensors = scatterNdIndices(x, expandItems(items));
  if (tensors) {
    const { common, target } = scatterNdShapes(x, tensors);
    if (product(target) === 0) return x;
    const value = fitValue(x, typeof values === "object" ? values : fill(target), target);
    return indexPutNd(x, tensors, common, value, options.accumulate ?? false);
  }
  const count = x.numel();
  const positions = new Tensor(tf.reshape(tf.range(0, count, 1, "int32"), [...x.rawShape]));
  const at = idx(positions, ...items);
  const target = at.rawShape;
  const value = typeof values === "object" ? values : fill(target);
  const src = reshape(fitValue(x, value, target), [-1]);
  const flatX = reshape(x, [-1]);
  const flatAt = reshape(at, [-1]);
  if (flatAt.numel() === 0) return x;
  const written = options.accumulate ? scatter_add(flatX, 0, flatAt, src) : scatter(flatX, 0, flatAt, src);
  return reshape(written, x.rawShape);
}

/** Python's `...` for x.idx, and slice(start, stop, step) for computed bounds. */
export { ellipsis, slice } from "./index-spec";
export type { IndexItem, Slice } from "./index-spec";
