import { create } from "@bufbuild/protobuf";
import { TensorProto_DataType as DataType, TensorProtoSchema, type TensorProto } from "./generated/onnx_pb";

/**
 * Reading tensor data back out of a ModelProto (what passes over a built model need), and the
 * int8 / uint8 tensors that quantization writes, which the builder's OnnxDType does not cover
 * (eager Tandem has no 8-bit tensors, so the builder has no reason to take them).
 */

export const dimsOf = (t: TensorProto): number[] => t.dims.map(Number);

function view(t: TensorProto): DataView {
  return new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
}

/** A FLOAT tensor's values (raw_data, little-endian, or float_data); null for other types. */
export function readFloats(t: TensorProto): Float32Array | null {
  if (t.dataType !== DataType.FLOAT) return null;
  if (t.rawData.byteLength === 0) return Float32Array.from(t.floatData);
  const v = view(t);
  return Float32Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => v.getFloat32(i * 4, true));
}

/** An INT64 or INT32 tensor's values as numbers (Slice starts, Reshape shapes); null for other types. */
export function readInts(t: TensorProto): number[] | null {
  const v = view(t);
  if (t.dataType === DataType.INT64) {
    if (t.rawData.byteLength === 0) return t.int64Data.map(Number);
    return Array.from({ length: t.rawData.byteLength / 8 }, (_, i) => Number(v.getBigInt64(i * 8, true)));
  }
  if (t.dataType === DataType.INT32) {
    if (t.rawData.byteLength === 0) return [...t.int32Data];
    return Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => v.getInt32(i * 4, true));
  }
  return null;
}

/** An INT8 tensor; one byte per element, so raw_data is the array's own bytes on any host. */
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): TensorProto {
  return create(TensorProtoSchema, { name, dataType: DataType.INT8, dims: dims.map(BigInt), rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() });
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  const raw = new Uint8Array(data.length * 4);
  const v = new DataView(raw.buffer);
  data.forEach((x, i) => v.setFloat32(i * 4, x, true));
  return create(TensorProtoSchema, { name, dataType: DataType.FLOAT, dims: dims.map(BigInt), rawData: raw });
}
