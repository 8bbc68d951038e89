import { create } from "@bufbuild/protobuf";
import {
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type ValueInfoProto,
} from "./generated/onnx_pb";
import { elemTypeOf, type OnnxDType } from "./dtype";
import { checkShape, type OnnxShape } from "./shape";

/** A graph input, output or intermediate: name, element type and shape (sizes or dim names). */
export function makeValueInfo(name: string, dtype: OnnxDType, shape: OnnxShape, what: string): ValueInfoProto {
  checkShape(shape, what);
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === "number" ? { case: "dimValue", value: BigInt(d) } : { case: "dimParam", value: d },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: "tensorType", value: { elemType: elemTypeOf(dtype), shape: { dim } } },
    }),
  });
}
