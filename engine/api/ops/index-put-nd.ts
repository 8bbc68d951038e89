import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import { numel } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { add, lt, where } from "./elementwise";
import { expand, stack } from "./shape";

/**
 * `x[i0, ..., ik-1] = values` with only int index tensors: one ScatterND (torch.index_put's own
 * form), writing whole slices at the broadcast coordinates without the flat position table the
 * general path (slicing.ts) builds.
 */

type IndexPutAttrs = { accumulate: boolean };
const ONNX_INT64 = 7;

const INDEX_PUT = defineOp<IndexPutAttrs>({
  name: "index_put",
  summary: "x with values at the coordinates stacked in indices[..., k] (x[i, j] = v; ScatterND)",
  kernel: ([x, indices, values], { accumulate }) => {
    const t = x as tf.Tensor;
    const at = indices as tf.Tensor;
    const coords = at.dataSync();
    const k = at.shape[at.shape.length - 1] as number;
    for (let i = 0; i < coords.length; i++) {
      const size = t.shape[i % k] as number;
      const v = coords[i] as number;
      if (v < 0 || v >= size) throw new OpError("index_put", [t.shape, at.shape], `index ${v} is out of bounds for dimension ${i % k} with size ${size}`);
    }
    const updates = values as tf.Tensor;
    if (accumulate) return tf.add(t, tf.scatterND(at, updates, t.shape));
    // tfjs-cpu's tensorScatterUpdate writes into its input's buffer: it gets its own copy.
    return tf.tensorScatterUpdate(tf.tensor(t.dataSync().slice(), t.shape, t.dtype), at, updates);
  },
  onnx: {
    ops: ["ScatterND"],
    emit: (ctx) => {
      const indices = ctx.op("Cast", [ctx.input(1)], { to: ONNX_INT64 });
      return ctx.op("ScatterND", [ctx.input(0), indices, ctx.input(2)], ctx.attrs.accumulate ? { reduction: "add" } : {});
    },
  },
  // accumulate adds each update once; a plain write only moves data.
  flops: (call) => (call.attrs.accumulate ? numel(call.inputs[2]?.shape ?? []) : 0),
  effect: "pure",
});

/** Whether index_put can take the ScatterND path: every item an int index tensor, at most one per dim. */
export function scatterNdIndices(x: Tensor, items: readonly unknown[]): Tensor[] | null {
  if (items.length === 0 || items.length > x.dim()) return null;
  const tensors = items.filter((it): it is Tensor => typeof it === "object" && it !== null && "dtype" in it && (it as Tensor).dtype === "int32");
  return tensors.length === items.length ? tensors : null;
}

/** The indices' broadcast shape, and the indexed shape: that, then the dims they leave. */
export function scatterNdShapes(x: Tensor, indices: readonly Tensor[]): { common: number[]; target: number[] } {
  const common = indices.map((t) => t.rawShape).reduce<readonly number[]>((a, b) => broadcastShapes("index_put", a, b), []);
  return { common: [...common], target: [...common, ...x.rawShape.slice(indices.length)] };
}

/** x with `values` (already of the target shape and x's dtype) written or added at the index tensors' coordinates. */
export function indexPutNd(x: Tensor, indices: readonly Tensor[], common: readonly number[], values: Tensor, accumulate: boolean): Tensor {
  const columns = indices.map((t, d) => {
    const size = x.rawShape[d] as number;
    const full = t.rawShape.length === common.length && t.rawShape.every((n, i) => n === common[i]) ? t : expand(t, [...common]);
    return where(lt(full, 0), add(full, size), full);
  });
  return apply(INDEX_PUT, [x, stack(columns, -1), values], { accumulate });
}
