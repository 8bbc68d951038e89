import { create } from "@bufbuild/protobuf";
import { TensorProtoSchema, type TensorProto } from "./generated/onnx_pb";
import { coerceData, elemTypeOf, type OnnxData, type OnnxDType } from "./dtype";
import { checkConcreteShape, formatShape, numel, type OnnxShape } from "./shape";

/** A tensor with data, before it becomes a TensorProto (initializers, Constant values, attributes). */
export interface TensorSpec {
  dtype: OnnxDType;
  shape: OnnxShape;
  data: OnnxData;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * ONNX's raw_data is little-endian whatever the host. On little-endian hosts (every machine Tandem
 * runs on) the bytes are copied as they are; the DataView path keeps big-endian hosts correct.
 * Always a copy: the model must not change if the caller later reuses its array.
 */
export function littleEndianBytes(data: OnnxData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes.slice();
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else if (data instanceof BigInt64Array) data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

/**
 * Checks `data` against `dtype` and `shape` and returns the TensorProto with its data in raw_data:
 * bytes onnxruntime copies as they are (int64_data would be varint-encoded element by element),
 * and what torch.onnx writes. `name` is "" for tensors inside attributes.
 */
export function makeTensorProto(name: string, spec: TensorSpec, what: string): TensorProto {
  const { dtype, shape } = spec;
  checkConcreteShape(shape, what);
  const data = coerceData(dtype, spec.data, what);
  const expected = numel(shape);
  if (data.length !== expected) {
    throw new RangeError(`${what}: shape ${formatShape(shape)} holds ${expected} ${dtype} elements, data has ${data.length}`);
  }
  return create(TensorProtoSchema, {
    name,
    dataType: elemTypeOf(dtype),
    dims: shape.map((d) => BigInt(d)),
    rawData: littleEndianBytes(data),
  });
}
