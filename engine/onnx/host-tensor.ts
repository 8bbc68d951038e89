import type { Tensor } from "onnxruntime-node";
import { coerceData, isOnnxDType, type OnnxArrayOf, type OnnxDType } from "./dtype";
import { formatShape, numel } from "./shape";
import type { Ort } from "./ort";

/**
 * A tensor in plain JS memory, as the rest of Tandem sees onnxruntime's inputs and outputs:
 * narrowing on `dtype` gives the matching typed array. onnxruntime's own Tensor stays in here.
 */
export type HostTensor = { [D in OnnxDType]: { dtype: D; shape: readonly number[]; data: OnnxArrayOf[D] } }[OnnxDType];

/** A feed may also carry int64 as an Int32Array (eager Tandem's longs); it is widened. */
export type FeedTensor = HostTensor | { dtype: "int64"; shape: readonly number[]; data: Int32Array };

/**
 * Checks a feed against the dtype the model declares for that input and makes the ORT tensor.
 * `modelDType` is null where the model's input type is not one Tandem knows (then the feed's own
 * dtype is used and onnxruntime has the last word).
 */
export function toOrtTensor(ort: Ort, name: string, feed: FeedTensor, modelDType: OnnxDType | null): Tensor {
  const what = `input '${name}'`;
  if (modelDType !== null && feed.dtype !== modelDType) {
    throw new TypeError(`${what}: the model takes ${modelDType}, the feed is ${feed.dtype}`);
  }
  const shape = [...feed.shape];
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`${what}: bad shape ${formatShape(shape)}`);
  const data = coerceData(feed.dtype, feed.data, what);
  if (data.length !== numel(shape)) {
    throw new RangeError(`${what}: shape ${formatShape(shape)} holds ${numel(shape)} elements, data has ${data.length}`);
  }
  return new ort.Tensor(feed.dtype, data, shape);
}

/** Hands the output array over as it is: no copy here, whatever the binding did. */
export function fromOrtTensor(name: string, tensor: Tensor): HostTensor {
  const shape = tensor.dims.map(Number);
  const { type, data } = tensor;
  if (type === "float32" && data instanceof Float32Array) return { dtype: type, shape, data };
  if (type === "int32" && data instanceof Int32Array) return { dtype: type, shape, data };
  if (type === "int64" && data instanceof BigInt64Array) return { dtype: type, shape, data };
  if (type === "bool" && data instanceof Uint8Array) return { dtype: type, shape, data };
  throw new TypeError(`output '${name}' is ${type}, which Tandem does not read (float32, int32, int64 and bool only)`);
}

export function dtypeOrNull(type: string): OnnxDType | null {
  return isOnnxDType(type) ? type : null;
}
