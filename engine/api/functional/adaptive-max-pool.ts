import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { reduction } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError } from "../errors";
import type { Tensor } from "../tensor";

type AdaptiveMaxAttrs = { output_size: [number, number] };

/**
 * PyTorch's adaptive bins, start floor(i·in/out) to end ceil((i+1)·in/out), as one index list of
 * out × width: each bin padded to the widest by repeating its last index (a repeat leaves a max as it was).
 */
function binIndices(inSize: number, outSize: number): { indices: Int32Array; width: number } {
  const bins = Array.from({ length: outSize }, (_, i) => [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)] as const);
  const width = Math.max(...bins.map(([s, e]) => e - s));
  const indices = new Int32Array(outSize * width);
  bins.forEach(([s, e], i) => {
    for (let k = 0; k < width; k++) indices[i * width + k] = Math.min(s + k, e - 1);
  });
  return { indices, width };
}

/** Max over the bins of one axis: gather every bin's cells, view as [..., out, width, ...], reduce the width. */
function maxOverBins(x: tf.Tensor, axis: number, outSize: number): tf.Tensor {
  const inSize = x.shape[axis] as number;
  if (inSize === outSize) return x;
  const { indices, width } = binIndices(inSize, outSize);
  const gathered = tf.gather(x, tf.tensor1d(indices, "int32"), axis);
  const shape = [...x.shape.slice(0, axis), outSize, width, ...x.shape.slice(axis + 1)];
  return tf.max(tf.reshape(gathered, shape), axis + 1);
}

function emitAdaptiveMax(ctx: EmitContext<AdaptiveMaxAttrs>): string {
  const shape = ctx.type(0).shape;
  const rank = shape.length;
  const [oh, ow] = ctx.attrs.output_size;
  const [h, w] = shape.slice(-2) as [number, number];
  if (rank === 4 && oh === 1 && ow === 1) return ctx.op("GlobalMaxPool", [ctx.input(0)]);
  if (rank === 4 && h % oh === 0 && w % ow === 0) return ctx.op("MaxPool", [ctx.input(0)], { kernel_shape: [h / oh, w / ow], strides: [h / oh, w / ow] });
  let y = ctx.input(0);
  for (const [axis, outSize] of [[rank - 2, oh], [rank - 1, ow]] as const) {
    const inSize = shape[axis] as number;
    if (inSize === outSize) continue;
    const { indices, width } = binIndices(inSize, outSize);
    const gathered = ctx.op("Gather", [y, ctx.int64(Array.from(indices))], { axis });
    // 0 copies a leading dim (the batch stays dynamic), -1 takes the rest.
    const view = [...Array<number>(axis).fill(0), outSize, width, ...(axis === rank - 1 ? [] : [-1])];
    y = ctx.op("ReduceMax", [ctx.op("Reshape", [gathered, ctx.int64(view)])], { axes: [axis + 1], keepdims: 0 });
  }
  return y;
}

const ADAPTIVE_MAX_POOL2D = defineOp<AdaptiveMaxAttrs>({
  name: "adaptive_max_pool2d",
  summary: "2-D max pooling to a given output size, PyTorch's bins",
  kernel: ([x], a) => {
    const t = x as tf.Tensor;
    const r = t.rank;
    const [h, w] = t.shape.slice(-2) as [number, number];
    const [oh, ow] = a.output_size;
    if (r === 4 && h % oh === 0 && w % ow === 0) {
      // Even bins are plain max pooling windows.
      const k: [number, number] = [h / oh, w / ow];
      return tf.transpose(tf.maxPool(tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D, k, k, "valid"), [0, 3, 1, 2]);
    }
    return maxOverBins(maxOverBins(t, r - 2, a.output_size[0]), r - 1, a.output_size[1]);
  },
  onnx: { ops: ["GlobalMaxPool", "MaxPool", "Gather", "ReduceMax"], emit: emitAdaptiveMax },
  flops: reduction,
  effect: "pure",
});

export interface AdaptiveMaxPoolOptions {
  return_indices?: boolean;
}

/** F.adaptive_max_pool2d over [N, C, H, W] or [C, H, W]; output_size an int, a pair, or a pair with null (keep that dim). */
export function adaptive_max_pool2d(x: Tensor, outputSize: number | readonly (number | null)[], options: AdaptiveMaxPoolOptions = {}): Tensor {
  if (options.return_indices) throw new ApiError("adaptive_max_pool2d: return_indices is not supported");
  if (x.dim() !== 4 && x.dim() !== 3) throw new OpError("adaptive_max_pool2d", [x.shape], "adaptive_max_pool2d(): Expected 3D or 4D tensor");
  const [h, w] = x.shape.slice(-2) as [number, number];
  const requested = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0] ?? null, outputSize[1] ?? null];
  const size: [number, number] = [requested[0] ?? h, requested[1] ?? w];
  if (!(size[0] > 0 && size[1] > 0) || !Number.isInteger(size[0]) || !Number.isInteger(size[1])) {
    throw new OpError("adaptive_max_pool2d", [x.shape], `output_size must be positive integers, got [${size.join(", ")}]`);
  }
  if (h === 0 || w === 0) throw new OpError("adaptive_max_pool2d", [x.shape], "input must have non-empty spatial dims");
  return apply(ADAPTIVE_MAX_POOL2D, [x], { output_size: size });
}
