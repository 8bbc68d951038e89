/**
 * Dynamic int8 quantization of exported models: the files must pass the official checker, run in
 * onnxruntime within the stated int8 tolerance of float eager, store ~4x fewer weight bytes, and
 * leave what cannot be quantized (products of two activations, convolutions) float.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as T from "../../api";
import { setBackend } from "../../eager/backend";
import { OnnxBuilder } from "../../onnx/builder";
import { ModelProtoSchema, TensorProto_DataType } from "../../onnx/generated/onnx_pb";
import { checkModelWithPython, pythonOnnxUnavailableReason } from "../../onnx/python-checker";
import { createSession, type FeedTensor } from "../../onnx/runtime";
import { parityOfValues, QUANTIZED_TOLERANCE, withinTolerance } from "../../model/parity";
import { runPasses } from "../passes";
import { type TraceResult, trace } from "../tracer";
import { type ExportResult, exportOnnx } from "./onnx-export";
import { quantizeDynamicInt8 } from "./quantize";
import { dequantize, quantizeColumns, roundHalfEven } from "./quantize-weight";

const unavailable = pythonOnnxUnavailableReason();
if (unavailable !== null) console.info(`skipping the official ONNX checker on quantized models: ${unavailable}`);

type Specs = Record<string, readonly number[] | { shape: number[]; high: number }>;

async function exampleTrace(name: string): Promise<{ traced: TraceResult; args: T.Tensor[] }> {
  const mod = (await import(`../../../assets/examples/${name}.ts`)) as { default: new () => T.nn.Module; inputs: Specs };
  T.manual_seed(0);
  const model = new mod.default();
  model.eval();
  const args = Object.values(mod.inputs).map((s) => ("shape" in s ? T.randint(0, s.high, s.shape) : T.randn([...s])));
  const traced = trace(model, args, Object.keys(mod.inputs));
  runPasses(traced.graph);
  return { traced, args };
}

const feed = (t: T.Tensor): FeedTensor =>
  t.dtype === "int32" ? { dtype: "int32", shape: t.shape, data: t.raw.dataSync() as Int32Array } : { dtype: "float32", shape: t.shape, data: t.raw.dataSync() as Float32Array };

async function runInOrt(ex: ExportResult, args: readonly T.Tensor[]): Promise<Float32Array> {
  const session = await createSession(ex.bytes, { intraOpNumThreads: 1 });
  try {
    const out = await session.run(Object.fromEntries(ex.inputNames.map((n, i) => [n, feed(args[i] as T.Tensor)])));
    return out[ex.outputs[0]?.onnx as string]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

const decode = (bytes: Uint8Array) => fromBinary(ModelProtoSchema, bytes);

beforeAll(async () => {
  await setBackend("wasm");
});

describe("weight quantization", () => {
  it("rounds halves to even, as numpy does", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });

  it("gives each output column its own symmetric scale, and a zero column scale 1", () => {
    // B [2, 3]: columns have max |w| 2, 0.5 and 0.
    const q = quantizeColumns({ rows: 2, cols: 3, data: Float32Array.of(2, -0.25, 0, -1, 0.5, 0) }, 64);
    expect(Array.from(q.scales)).toEqual([Math.fround(2 / 64), Math.fround(0.5 / 64), 1]);
    expect(Array.from(q.data)).toEqual([64, -32, 0, -32, 64, 0]);
    expect(Array.from(dequantize(q))).toEqual([2, -0.25, 0, -1, 0.5, 0]);
  });
});

describe.each([
  // MLP: three Gemms. Transformer: q/k/v (Slices of in_proj_weight), out_proj, two MLP layers and
  // the head; its two attention products (q k^T, weights v) multiply activations and stay float.
  { name: "mlp", quantized: 3, leftFloat: 0 },
  { name: "transformer_block", quantized: 7, leftFloat: 2 },
])("dynamic int8 export of $name", ({ name, quantized, leftFloat }) => {
  let traced: TraceResult;
  let args: T.Tensor[];
  let float: ExportResult;
  let int8: ExportResult;
  beforeAll(async () => {
    tf.engine().startScope();
    ({ traced, args } = await exampleTrace(name));
    float = exportOnnx(traced.graph, { producerVersion: "test" });
    int8 = exportOnnx(traced.graph, { producerVersion: "test", quantize: "dynamic-int8" });
  });
  afterAll(() => {
    traced.graph.dispose();
    tf.engine().endScope();
  });

  it("rewrites every MatMul / Gemm with a constant weight and leaves the rest float", () => {
    const q = int8.quantization;
    expect(q?.nodes).toBe(quantized);
    expect(q?.left).toHaveLength(leftFloat);
    for (const l of q?.left ?? []) expect(l.reason).toMatch(/two activations/);
    expect(int8.stats.opTypes.MatMulInteger).toBe(quantized);
    expect(int8.stats.opTypes.Gemm).toBeUndefined();
    expect(int8.stats.opTypes.MatMul ?? 0).toBe(leftFloat);
    // The float weights and the Transposes / Slices that fed them are gone from the file.
    const linearWeight = /(fc\d\.weight|in_proj_weight|out_proj\.weight|mlp\.\d\.weight|head\.weight)$/;
    const names = decode(int8.bytes).graph?.initializer.map((t) => t.name) ?? [];
    expect(names.filter((n) => linearWeight.test(n))).toEqual([]);
    expect(decode(float.bytes).graph?.initializer.some((t) => linearWeight.test(t.name))).toBe(true);
    expect(decode(int8.bytes).metadataProps.some((p) => p.key === "tandem.quantization")).toBe(true);
  });

  it("stores the quantized weights in about a quarter of the bytes", () => {
    const q = int8.quantization;
    if (!q) throw new Error("no quantization report");
    // int8 plus one float scale per output column: just under 4x.
    expect(q.weightBytesBefore / q.weightBytesAfter).toBeGreaterThan(3.5);
    expect(q.weightBytesBefore / q.weightBytesAfter).toBeLessThan(4);
    // What the file saves is the weights' saving, plus the Slice bounds that fed the q/k/v weights.
    const saved = float.stats.initializerBytes - int8.stats.initializerBytes;
    expect(saved).toBeGreaterThanOrEqual(q.weightBytesBefore - q.weightBytesAfter);
    expect(saved).toBeLessThan(q.weightBytesBefore - q.weightBytesAfter + 100);
    expect(int8.bytes.byteLength).toBeLessThan(float.bytes.byteLength);
  });

  it.skipIf(unavailable !== null)("passes the official ONNX checker (IR 8, opset 17)", () => {
    expect(checkModelWithPython(int8.bytes)).toEqual({ ok: true });
  });

  it("runs in onnxruntime within the int8 tolerance of float eager, and not bit-exact", async () => {
    const [, expected] = traced.eagerOutputs[0] as [string, T.Tensor];
    const got = await runInOrt(int8, args);
    const p = parityOfValues("output", expected.shape, got, expected.raw.dataSync());
    expect(withinTolerance(p, QUANTIZED_TOLERANCE), JSON.stringify(p)).toBe(true);
    // Quantization does change the numbers: the float file agrees far more closely.
    const exact = await runInOrt(float, args);
    const pf = parityOfValues("output", expected.shape, exact, expected.raw.dataSync());
    expect(p.maxAbsDiff).toBeGreaterThan(10 * pf.maxAbsDiff);
  });
});

describe("what quantization leaves alone", () => {
  /** x [2, 4] -> MatMul(x, W) and MatMul(x, W) again (a tied weight), then MatMul(h, h^T): two activations. */
  function hand(): Uint8Array {
    const b = new OnnxBuilder({ opset: 17 });
    b.input("x", "float32", [2, 4]);
    b.initializer("w", "float32", [4, 3], Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 6));
    b.node("MatMul", ["x", "w"], ["h"]);
    b.node("MatMul", ["x", "w"], ["h2"]);
    b.node("Transpose", ["h2"], ["ht"], { perm: [1, 0] });
    b.node("MatMul", ["h", "ht"], ["y"]);
    b.output("y", "float32", [2, 2]);
    return b.toBytes();
  }

  it("keeps a product of two activations float, and quantizes a shared weight once", () => {
    const { model, report } = quantizeDynamicInt8(decode(hand()));
    expect(report.nodes).toBe(2);
    expect(report.left).toEqual([{ node: "MatMul_2", op: "MatMul", reason: expect.stringMatching(/two activations/) }]);
    const graph = model.graph;
    expect(graph?.node.filter((n) => n.opType === "MatMul").map((n) => n.input)).toEqual([["h", "ht"]]);
    // One int8 copy of w, one DynamicQuantizeLinear of x, however many products read them.
    expect(graph?.initializer.filter((t) => t.dataType === TensorProto_DataType.INT8).map((t) => t.name)).toEqual(["w_quantized"]);
    expect(graph?.node.filter((n) => n.opType === "DynamicQuantizeLinear")).toHaveLength(1);
    expect(graph?.initializer.map((t) => t.name)).not.toContain("w");
  });

  it("leaves convolutions float and says so", () => {
    const b = new OnnxBuilder({ opset: 17 });
    b.input("x", "float32", [1, 1, 3, 3]);
    b.initializer("k", "float32", [1, 1, 2, 2], Float32Array.of(1, 2, 3, 4));
    b.node("Conv", ["x", "k"], ["y"], {}, "conv");
    b.output("y", "float32", [1, 1, 2, 2]);
    const { model, report } = quantizeDynamicInt8(decode(b.toBytes()));
    expect(report.nodes).toBe(0);
    expect(report.left).toEqual([{ node: "conv", op: "Conv", reason: expect.stringMatching(/convolutions stay float/) }]);
    expect(toBinary(ModelProtoSchema, model).byteLength).toBeGreaterThan(0);
    expect(model.graph?.node.map((n) => n.opType)).toEqual(["Conv"]);
  });

  // The reason the default weight range is 7-bit: x = [1, 1] becomes uint8 255, and a full-range
  // int8 weight of 127 makes 255 * 127 * 2 = 64770, past the int16 that onnxruntime's AVX2 kernel
  // sums pairs of products in (it returned 1.01 here on an AVX2 CPU without VNNI).
  it("cannot saturate onnxruntime's u8 x s8 kernel with its default weight range", async () => {
    const b = new OnnxBuilder({ opset: 17 });
    b.input("x", "float32", [1, 2]);
    b.initializer("w", "float32", [2, 1], Float32Array.of(1, 1));
    b.node("MatMul", ["x", "w"], ["y"]);
    b.output("y", "float32", [1, 1]);
    const { model } = quantizeDynamicInt8(decode(b.toBytes()));
    const session = await createSession(toBinary(ModelProtoSchema, model));
    const out = await session.run({ x: { dtype: "float32", shape: [1, 2], data: Float32Array.of(1, 1) } });
    await session.release();
    expect(out.y?.data[0]).toBeCloseTo(2, 5);
  });
});
