import { TensorProto_DataType } from "./generated/onnx_pb";

/**
 * The element types Tandem puts in ONNX graphs. Eager Tandem has no int64 (tfjs stores longs as
 * int32), but ONNX ops that take indices or shapes (Gather, Reshape, Slice...) want int64, so the
 * exporter writes int64 and this layer widens int32 data where it is handed some.
 */
export type OnnxDType = "float32" | "int32" | "int64" | "bool";

export const ONNX_DTYPES: readonly OnnxDType[] = ["float32", "int32", "int64", "bool"];

/** The typed array that holds each dtype's elements (bool: one byte per element, 0 or 1). */
export interface OnnxArrayOf {
  float32: Float32Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

/** Any of them. Int32Array is also accepted for int64 data, which is widened on the way. */
export type OnnxData = OnnxArrayOf[OnnxDType];

const ELEM_TYPE: Record<OnnxDType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  int32: TensorProto_DataType.INT32,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
};

const BYTES: Record<OnnxDType, number> = { float32: 4, int32: 4, int64: 8, bool: 1 };

export function isOnnxDType(value: unknown): value is OnnxDType {
  return typeof value === "string" && (ONNX_DTYPES as readonly string[]).includes(value);
}

/** TensorProto.DataType number written in elem_type / data_type fields. */
export function elemTypeOf(dtype: OnnxDType): TensorProto_DataType {
  return ELEM_TYPE[dtype];
}

export function bytesPerElement(dtype: OnnxDType): number {
  return BYTES[dtype];
}

/** The array's own name, for error messages ("got Float64Array"). */
function arrayName(data: unknown): string {
  if (ArrayBuffer.isView(data)) return data.constructor.name;
  return Array.isArray(data) ? "a plain array" : typeof data;
}

/**
 * Checks that `data` can hold `dtype` and returns it in the dtype's own array type: Int32Array
 * for int64 is widened (a copy); anything else must already be the right array. `what` names the
 * tensor in the error ("initializer 'fc.weight'").
 */
export function coerceData<D extends OnnxDType>(dtype: D, data: OnnxData, what: string): OnnxArrayOf[D];
export function coerceData(dtype: OnnxDType, data: OnnxData, what: string): OnnxData {
  switch (dtype) {
    case "float32":
      if (data instanceof Float32Array) return data;
      break;
    case "int32":
      if (data instanceof Int32Array) return data;
      break;
    case "int64":
      if (data instanceof BigInt64Array) return data;
      if (data instanceof Int32Array) return BigInt64Array.from(data, (v) => BigInt(v));
      break;
    case "bool":
      if (data instanceof Uint8Array) {
        // ONNX and onnxruntime read a bool byte as-is: a 2 would be a value no op expects.
        const bad = data.findIndex((v) => v > 1);
        if (bad >= 0) throw new RangeError(`${what}: bool data must be 0 or 1, got ${data[bad]} at index ${bad}`);
        return data;
      }
      break;
  }
  const expected = dtype === "int64" ? "BigInt64Array or Int32Array" : arrayTypeName(dtype);
  throw new TypeError(`${what}: ${dtype} data must be a ${expected}, got ${arrayName(data)}`);
}

function arrayTypeName(dtype: OnnxDType): string {
  return { float32: "Float32Array", int32: "Int32Array", int64: "BigInt64Array", bool: "Uint8Array" }[dtype];
}
