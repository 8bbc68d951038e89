import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { attr } from "./attributes";
import { OnnxBuilder } from "./builder";
import { AttributeProto_AttributeType as AttrType, ModelProtoSchema, TensorProto_DataType } from "./generated/onnx_pb";

function small(): OnnxBuilder {
  return new OnnxBuilder({ opset: 17 });
}

/** A valid one-node graph: x -> Relu -> y. */
function relu(): OnnxBuilder {
  const b = small();
  b.input("x", "float32", [2]);
  b.node("Relu", ["x"], ["y"]);
  b.output("y", "float32", [2]);
  return b;
}

const decode = (b: OnnxBuilder) => fromBinary(ModelProtoSchema, b.toBytes());

describe("OnnxBuilder: the ModelProto it writes", () => {
  it("carries versions, producer, doc string and metadata", () => {
    const b = new OnnxBuilder({
      opset: 17,
      irVersion: 8,
      producerName: "tandem",
      producerVersion: "1.2.3",
      docString: "an MLP",
      graphName: "mlp",
      metadata: { "tandem.version": "1.2.3", "tandem.source_hash": "abc" },
    });
    b.input("x", "float32", [1]);
    b.node("Relu", ["x"], ["y"]);
    b.output("y", "float32", [1]);
    const m = decode(b);
    expect(m.irVersion).toBe(8n);
    expect(m.opsetImport.map((o) => [o.domain, o.version])).toEqual([["", 17n]]);
    expect([m.producerName, m.producerVersion, m.docString, m.graph?.name]).toEqual(["tandem", "1.2.3", "an MLP", "mlp"]);
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ["tandem.version", "1.2.3"],
      ["tandem.source_hash", "abc"],
    ]);
  });

  it("writes sizes as dim_value and names as dim_param", () => {
    const b = small();
    b.input("x", "float32", ["batch", 3]);
    b.node("Relu", ["x"], ["y"]);
    b.output("y", "float32", ["batch", 3]);
    const t = decode(b).graph?.input[0]?.type?.value;
    expect(t?.case).toBe("tensorType");
    if (t?.case !== "tensorType") return;
    expect(t.value.elemType).toBe(TensorProto_DataType.FLOAT);
    expect(t.value.shape?.dim.map((d) => d.value)).toEqual([
      { case: "dimParam", value: "batch" },
      { case: "dimValue", value: 3n },
    ]);
  });

  it("stores initializers little-endian in raw_data, widening Int32Array for int64, copying the data", () => {
    const b = relu();
    const w = Float32Array.from([1.5, -2]);
    b.initializer("w", "float32", [2], w);
    b.initializer("shape", "int64", [2], Int32Array.from([-2, 3]));
    b.initializer("mask", "bool", [3], Uint8Array.from([1, 0, 1]));
    b.initializer("scalar", "int32", [], Int32Array.from([7]));
    w[0] = 99; // the builder took a copy
    const init = decode(b).graph?.initializer ?? [];
    const bytes = (name: string) => Array.from(init.find((t) => t.name === name)?.rawData ?? []);
    expect(bytes("w")).toEqual([0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    expect(bytes("shape")).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes("mask")).toEqual([1, 0, 1]);
    expect(init.map((t) => [t.name, t.dataType, t.dims])).toEqual([
      ["w", TensorProto_DataType.FLOAT, [2n]],
      ["shape", TensorProto_DataType.INT64, [2n]],
      ["mask", TensorProto_DataType.BOOL, [3n]],
      ["scalar", TensorProto_DataType.INT32, []],
    ]);
  });

  it("types attributes unambiguously", () => {
    const b = new OnnxBuilder({ opset: 17, domains: { "tandem.test": 1 } });
    b.input("x", "float32", [1]);
    b.node("Custom", ["x"], ["y"], {
      axis: -1,
      big: 2n ** 40n,
      pads: [0, 1, 0, 1],
      empty: [],
      mode: "constant",
      scale: b.attr.float(2),
      scales: Float32Array.from([0.5, 2]),
      alphas: attr.floats([1, 2]),
      count: attr.int(3),
      names: attr.strings(["a", "b"]),
      value: attr.tensor("int64", [2], Int32Array.from([1, 2])),
    }, { domain: "tandem.test", name: "custom" });
    b.output("y", "float32", [1]);
    const m = decode(b);
    expect(m.opsetImport.map((o) => [o.domain, o.version])).toEqual([["", 17n], ["tandem.test", 1n]]);
    const node = m.graph?.node[0];
    expect([node?.name, node?.domain, node?.opType]).toEqual(["custom", "tandem.test", "Custom"]);
    const a = Object.fromEntries((node?.attribute ?? []).map((at) => [at.name, at]));
    expect(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, AttrType[v.type]]))).toEqual({
      axis: "INT", big: "INT", pads: "INTS", empty: "INTS", mode: "STRING", scale: "FLOAT",
      scales: "FLOATS", alphas: "FLOATS", count: "INT", names: "STRINGS", value: "TENSOR",
    });
    expect(a.axis?.i).toBe(-1n);
    expect(a.big?.i).toBe(2n ** 40n);
    expect(a.pads?.ints).toEqual([0n, 1n, 0n, 1n]);
    expect(new TextDecoder().decode(a.mode?.s)).toBe("constant");
    expect(a.scale?.f).toBe(2);
    expect(a.scales?.floats).toEqual([0.5, 2]);
    expect(a.value?.t?.dataType).toBe(TensorProto_DataType.INT64);
    expect(a.value?.t?.dims).toEqual([2n]);
    expect(b.stats().opTypes).toEqual({ "tandem.test::Custom": 1 });
  });

  it("serializes the same graph to the same bytes", () => {
    expect(relu().toBytes()).toEqual(relu().toBytes());
  });
});

describe("OnnxBuilder: names", () => {
  it("generates node and value names that never collide with chosen ones", () => {
    const b = small();
    b.input("x", "float32", [2]);
    b.node("Relu", ["x"], ["Relu_out"]); // a name the generator would have picked
    const [a] = b.node("Relu", ["Relu_out"]);
    const [c] = b.node("Relu", [a ?? ""]);
    const split = b.node("Split", [c ?? ""], 2, { axis: 0 });
    expect([a, c, split]).toEqual(["Relu_1_out", "Relu_2_out", ["Split_out0", "Split_out1"]]);
    b.output("Split_out0", "float32", [1]);
    expect(decode(b).graph?.node.map((n) => n.name)).toEqual(["Relu", "Relu_1", "Relu_2", "Split"]);
  });

  it("uniqueName reserves: base first, then base_1, base_2", () => {
    const b = small();
    b.input("h", "float32", [1]);
    expect([b.uniqueName("h"), b.uniqueName("h"), b.uniqueName("t")]).toEqual(["h_1", "h_2", "t"]);
    expect(b.has("h")).toBe(true);
    expect(b.has("h_1")).toBe(false); // reserved, not defined until a node outputs it
  });

  it("names constants when asked not to", () => {
    const b = small();
    const k1 = b.constant(undefined, "int64", [1], BigInt64Array.from([1n]));
    const k2 = b.constant(undefined, "float32", [], Float32Array.from([2]));
    const k3 = b.constant("axes", "int64", [1], BigInt64Array.from([0n]));
    expect([k1, k2, k3]).toEqual(["const", "const_1", "axes"]);
  });
});

describe("OnnxBuilder: stats", () => {
  it("counts nodes, initializers, their bytes and op types", () => {
    const b = small();
    b.input("x", "float32", [2, 4]);
    b.initializer("w", "float32", [4, 3], new Float32Array(12));
    b.initializer("ids", "int64", [2], Int32Array.from([0, 1]));
    const h = b.op("MatMul", ["x", "w"]);
    const r = b.op("Relu", [h]);
    b.op("Relu", [r]);
    expect(b.stats()).toEqual({ nodes: 3, initializers: 2, initializerBytes: 48 + 16, opTypes: { MatMul: 1, Relu: 2 } });
  });
});

describe("OnnxBuilder: mistakes are caught where they are made", () => {
  it("an input no one defined", () => {
    const b = small();
    b.input("x", "float32", [2]);
    expect(() => b.node("Add", ["x", "y"])).toThrow("node 'Add' (Add): input 1 'y' is not defined; define it first with input(), initializer(), constant() or as an earlier node's output");
    expect(b.stats().nodes).toBe(0);
  });

  it("a value defined twice", () => {
    const b = small();
    b.input("x", "float32", [2]);
    expect(() => b.initializer("x", "float32", [2], new Float32Array(2))).toThrow("value 'x' is defined twice: by a graph input and by an initializer");
    expect(() => b.node("Relu", ["x"], ["x"])).toThrow("value 'x' is defined twice: by a graph input and by node 'Relu' (Relu)");
    expect(() => b.node("Split", ["x"], ["a", "a"])).toThrow(/output 'a' is listed twice/);
    expect(() => b.input("x", "float32", [2])).toThrow(/defined twice/);
    expect(b.has("a")).toBe(false);
  });

  it("outputs and valueInfo declared twice or never defined", () => {
    const b = relu();
    expect(() => b.output("y", "float32", [2])).toThrow("output 'y' is declared twice");
    b.output("nowhere", "float32", [2]);
    expect(() => b.toBytes()).toThrow("output 'nowhere' is not defined by any input, initializer or node");
    const c = relu();
    c.valueInfo("ghost", "float32", [2]);
    expect(() => c.valueInfo("ghost", "float32", [2])).toThrow(/declared twice/);
    expect(() => c.toBytes()).toThrow("valueInfo 'ghost' is not defined by any input, initializer or node");
    const d = small();
    d.input("x", "float32", [1]);
    expect(() => d.toBytes()).toThrow(/no outputs/);
  });

  it("initializer data that does not fit its shape or dtype", () => {
    const b = small();
    expect(() => b.initializer("w", "float32", [2, 3], new Float32Array(5))).toThrow("initializer 'w': shape [2, 3] holds 6 float32 elements, data has 5");
    expect(() => b.initializer("w", "float32", [2], new Int32Array(2))).toThrow("initializer 'w': float32 data must be a Float32Array, got Int32Array");
    expect(() => b.initializer("w", "int64", [2], new Float32Array(2))).toThrow("initializer 'w': int64 data must be a BigInt64Array or Int32Array, got Float32Array");
    expect(() => b.initializer("m", "bool", [2], Uint8Array.from([1, 2]))).toThrow("initializer 'm': bool data must be 0 or 1, got 2 at index 1");
    expect(() => b.initializer("w", "float32", ["n" as unknown as number], new Float32Array(1))).toThrow(/needs sizes, not names/);
    expect(() => b.initializer("w", "float64" as "float32", [1], new Float32Array(1))).toThrow(/unknown dtype "float64"/);
    expect(b.stats().initializers).toBe(0);
  });

  it("bad shapes", () => {
    const b = small();
    expect(() => b.input("x", "float32", [-1, 3])).toThrow(/dim 0 is -1; sizes are non-negative integers/);
    expect(() => b.input("x", "float32", [1.5])).toThrow(/dim 0 is 1.5/);
    expect(() => b.input("x", "float32", ["two words"])).toThrow(/dim 0 is "two words"; a symbolic dim must be an identifier/);
  });

  it("attributes whose type would be a guess", () => {
    const b = small();
    b.input("x", "float32", [2]);
    expect(() => b.node("LeakyRelu", ["x"], 1, { alpha: 0.1 })).toThrow("node 'LeakyRelu' (LeakyRelu): attribute 'alpha' is FLOAT in ONNX; write attr.float(0.1) so it is not written as an INT");
    expect(() => b.node("LeakyRelu", ["x"], 1, { alpha: 1 })).toThrow(/attribute 'alpha' is FLOAT in ONNX; write attr.float\(1\)/);
    expect(() => b.node("Foo", ["x"], 1, { ratio: 0.5 })).toThrow(/attribute 'ratio': 0.5 is not an integer \(for a FLOAT attribute use attr.float/);
    expect(() => b.node("Foo", ["x"], 1, { sizes: [1, 2.5] })).toThrow(/2.5 is not an integer/);
    expect(() => attr.int(0.5)).toThrow(/attr.int: 0.5 is not an integer/);
    expect(() => b.node("Constant", [], 1, { value: attr.tensor("float32", [2], new Float32Array(3)) })).toThrow(/attribute 'value': shape \[2\] holds 2 float32 elements, data has 3/);
    // An explicit tag always wins, for the rare op whose "alpha" is an INT.
    expect(b.node("Foo", ["x"], 1, { alpha: attr.int(1) })).toEqual(["Foo_out"]);
    expect(b.stats().opTypes).toEqual({ Foo: 1 });
  });

  it("op types, node names, output counts and domains", () => {
    const b = small();
    b.input("x", "float32", [2]);
    expect(() => b.node("", ["x"])).toThrow(/op type must be an identifier/);
    expect(() => b.node("Relu", ["x"], 0)).toThrow(/output count must be a positive integer, got 0/);
    expect(() => b.node("Relu", ["x"], [""])).toThrow(/needs at least one named output/);
    expect(() => b.node("FusedGemm", ["x"], 1, {}, { domain: "com.microsoft" })).toThrow(/domain "com.microsoft" is not declared/);
    b.node("Relu", ["x"], 1, {}, "act");
    expect(() => b.node("Relu", ["x"], 1, {}, { name: "act" })).toThrow("node name 'act' is used twice");
    expect(() => new OnnxBuilder({ opset: 0 })).toThrow(/opset for domain "" must be a positive integer/);
    expect(() => new OnnxBuilder({ opset: 17, irVersion: 2 })).toThrow(/irVersion must be an integer >= 3/);
    expect(() => new OnnxBuilder({ opset: 17, domains: { "ai.onnx": 18 } })).toThrow(/is the default domain/);
    expect(() => b.node("Relu", ["x"], 1, {}, { domain: "toString" })).toThrow(/domain "toString" is not declared/);
  });

  it("optional inputs and outputs may be skipped with an empty name", () => {
    const b = small();
    b.input("x", "float32", [1, 1, 4, 4]);
    const [y] = b.node("MaxPool", ["x"], ["y", ""], { kernel_shape: [2, 2] });
    b.node("Clip", [y ?? "", "", ""], ["z"]);
    b.output("z", "float32", [1, 1, 2, 2]);
    expect(decode(b).graph?.node.map((n) => [n.input, n.output])).toEqual([
      [["x"], ["y", ""]],
      [["y", "", ""], ["z"]],
    ]);
  });
});
