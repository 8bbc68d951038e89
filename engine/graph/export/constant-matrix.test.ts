import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OnnxBuilder } from "../../onnx/builder";
import { ModelProtoSchema, type NodeProto } from "../../onnx/generated/onnx_pb";
import { constantMatrix, type ValueSources } from "./constant-matrix";

/** W [2, 3] = [[0, 1, 2], [3, 4, 5]], then whatever `build` adds; the sources of the built graph. */
function sourcesOf(build: (b: OnnxBuilder) => void): ValueSources {
  const b = new OnnxBuilder({ opset: 17 });
  b.input("x", "float32", [2, 3]);
  b.initializer("w", "float32", [2, 3], Float32Array.of(0, 1, 2, 3, 4, 5));
  build(b);
  const graph = fromBinary(ModelProtoSchema, b.toBytes()).graph;
  const producers = new Map<string, NodeProto>();
  for (const n of graph?.node ?? []) for (const o of n.output) producers.set(o, n);
  return { initializers: new Map((graph?.initializer ?? []).map((t) => [t.name, t])), producers };
}

const ints = (b: OnnxBuilder, values: number[]) => b.constant(undefined, "int64", [values.length], BigInt64Array.from(values.map(BigInt)));

describe("constantMatrix: the weight behind a Transpose or Slice of an initializer", () => {
  it("reads an initializer, and transposes through Transpose", () => {
    const s = sourcesOf((b) => {
      b.node("Transpose", ["w"], ["wt"], { perm: [1, 0] });
      b.output("wt", "float32", [3, 2]);
    });
    expect(constantMatrix("w", s)).toMatchObject({ rows: 2, cols: 3, root: "w", via: [] });
    const t = constantMatrix("wt", s);
    expect([t?.rows, t?.cols, Array.from(t?.data ?? []), t?.via.map((n) => n.opType)]).toEqual([3, 2, [0, 3, 1, 4, 2, 5], ["Transpose"]]);
  });

  it("slices on either axis, with negative and past-the-end bounds as ONNX clamps them", () => {
    const s = sourcesOf((b) => {
      b.node("Slice", ["w", ints(b, [-2]), ints(b, [100]), ints(b, [1])], ["cols"]);
      b.node("Slice", ["w", ints(b, [1]), ints(b, [2])], ["row"]);
      b.output("cols", "float32", [2, 2]);
      b.output("row", "float32", [1, 3]);
    });
    expect(Array.from(constantMatrix("cols", s)?.data ?? [])).toEqual([1, 2, 4, 5]);
    expect(Array.from(constantMatrix("row", s)?.data ?? [])).toEqual([3, 4, 5]);
  });

  it("is null for a computed value, a strided slice or computed bounds", () => {
    const s = sourcesOf((b) => {
      b.node("Relu", ["w"], ["r"]);
      b.node("Slice", ["w", ints(b, [0]), ints(b, [3]), ints(b, [1]), ints(b, [2])], ["strided"]);
      b.node("Shape", ["x"], ["shape"]);
      b.node("Slice", ["w", ints(b, [0]), "shape"], ["computed"]);
      for (const o of ["r", "strided", "computed"]) b.output(o, "float32", [2, 2]);
    });
    for (const name of ["x", "r", "strided", "computed"]) expect(constantMatrix(name, s), name).toBeNull();
  });
});
