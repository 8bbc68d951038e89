import { OnnxBuilder } from "../builder";
import type { FeedTensor, HostTensor } from "../host-tensor";
import { conv2d, lcg, matmul, transpose2d } from "./reference";

/**
 * Small models built with OnnxBuilder, each with inputs and the outputs plain JS computes for
 * them. The runtime tests run them in onnxruntime; the checker test validates the same bytes.
 */
export interface ModelCase {
  name: string;
  bytes: Uint8Array;
  runs: { feeds: Record<string, FeedTensor>; expected: Record<string, HostTensor> }[];
}

function builder(): OnnxBuilder {
  return new OnnxBuilder({
    opset: 17,
    irVersion: 8,
    producerName: "tandem",
    producerVersion: "0.0.0-test",
    metadata: { "tandem.version": "0.0.0-test", "tandem.source_hash": "sha256:test" },
  });
}

const f32 = (shape: number[], data: Float32Array): HostTensor => ({ dtype: "float32", shape, data });

/** y = relu(x @ W + b), with a valueInfo for the intermediate. */
export function mlpCase(): ModelCase {
  const b = builder();
  const w = lcg(1, 4 * 3);
  const bias = lcg(2, 3);
  b.input("x", "float32", [2, 4]);
  b.initializer("fc.weight", "float32", [4, 3], w);
  b.initializer("fc.bias", "float32", [3], bias);
  const h = b.op("MatMul", ["x", "fc.weight"]);
  b.valueInfo(h, "float32", [2, 3]);
  const z = b.op("Add", [h, "fc.bias"]);
  b.op("Relu", [z], {}, { output: "y" });
  b.output("y", "float32", [2, 3]);

  const x = lcg(3, 8);
  const y = matmul(x, w, 2, 4, 3).map((v, i) => Math.max(0, v + (bias[i % 3] as number)));
  return { name: "MatMul+Add+Relu", bytes: b.toBytes(), runs: [{ feeds: { x: f32([2, 4], x) }, expected: { y: f32([2, 3], y) } }] };
}

/** A strided, padded Conv with bias: kernel_shape, pads and strides as INTS attributes. */
export function convCase(): ModelCase {
  const s = { n: 1, c: 2, h: 5, w: 5, f: 3, kh: 3, kw: 3, stride: 2, pad: 1 };
  const weight = lcg(4, s.f * s.c * s.kh * s.kw);
  const bias = lcg(5, s.f);
  const b = builder();
  b.input("x", "float32", [s.n, s.c, s.h, s.w]);
  b.initializer("conv.weight", "float32", [s.f, s.c, s.kh, s.kw], weight);
  b.initializer("conv.bias", "float32", [s.f], bias);
  b.op("Conv", ["x", "conv.weight", "conv.bias"], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }, { output: "y" });
  b.output("y", "float32", [1, 3, 3, 3]);

  const x = lcg(6, s.n * s.c * s.h * s.w);
  const y = conv2d(x, weight, bias, s);
  return { name: "Conv", bytes: b.toBytes(), runs: [{ feeds: { x: f32([1, 2, 5, 5], x) }, expected: { y: f32(y.shape, y.data) } }] };
}

/** Gemm with FLOAT alpha/beta and INT transB (the INT-vs-FLOAT case), then LeakyRelu. */
export function gemmCase(): ModelCase {
  const b = builder();
  const weight = lcg(7, 4 * 3); // [out=4, in=3], as nn.Linear stores it
  const bias = lcg(8, 4);
  b.input("a", "float32", [2, 3]);
  b.initializer("w", "float32", [4, 3], weight);
  b.initializer("c", "float32", [4], bias);
  const g = b.op("Gemm", ["a", "w", "c"], { alpha: b.attr.float(0.5), beta: b.attr.float(2), transB: 1 });
  b.op("LeakyRelu", [g], { alpha: b.attr.float(0.1) }, { output: "y" });
  b.output("y", "float32", [2, 4]);

  const a = lcg(9, 6);
  const y = matmul(a, transpose2d(weight, 4, 3), 2, 3, 4).map((v, i) => {
    const t = 0.5 * v + 2 * (bias[i % 4] as number);
    return t >= 0 ? t : 0.1 * t;
  });
  return { name: "Gemm+LeakyRelu", bytes: b.toBytes(), runs: [{ feeds: { a: f32([2, 3], a) }, expected: { y: f32([2, 4], y) } }] };
}

/**
 * An embedding lookup: int64 ids (fed as Int32Array, widened by the runtime wrapper) Gather rows
 * of a table, Reshape by an int64 constant given as Int32Array; also outputs Shape(ids), int64.
 */
export function gatherCase(): ModelCase {
  const b = builder();
  const table = lcg(10, 5 * 4);
  b.input("ids", "int64", [2, 3]);
  b.initializer("emb.weight", "float32", [5, 4], table);
  const rows = b.op("Gather", ["emb.weight", "ids"], { axis: 0 });
  const target = b.constant(undefined, "int64", [2], Int32Array.from([6, 4]));
  b.op("Reshape", [rows, target], {}, { output: "y" });
  b.op("Shape", ["ids"], {}, { output: "ids_shape" });
  b.output("y", "float32", [6, 4]);
  b.output("ids_shape", "int64", [2]);

  const ids = Int32Array.from([4, 0, 2, 2, 1, 3]);
  const y = new Float32Array(6 * 4);
  ids.forEach((id, i) => y.set(table.subarray(id * 4, id * 4 + 4), i * 4));
  return {
    name: "Gather(int64 ids)+Reshape",
    bytes: b.toBytes(),
    runs: [
      {
        feeds: { ids: { dtype: "int64", shape: [2, 3], data: ids } },
        expected: { y: f32([6, 4], y), ids_shape: { dtype: "int64", shape: [2], data: BigInt64Array.from([2n, 3n]) } },
      },
    ],
  };
}

/** A symbolic "batch" dim (--dynamic-batch): run at batch 1 and 4; one output is bool. */
export function dynamicBatchCase(): ModelCase {
  const b = builder();
  const w = lcg(11, 3 * 2);
  b.input("x", "float32", ["batch", 3]);
  b.initializer("w", "float32", [3, 2], w);
  const h = b.op("MatMul", ["x", "w"]);
  const axes = b.constant("axes", "int64", [1], BigInt64Array.from([1n]));
  const s = b.op("ReduceSum", [h, axes], { keepdims: 0 }, { output: "sum" });
  const zero = b.constant("zero", "float32", [], Float32Array.from([0]));
  b.op("Greater", [s, zero], {}, { output: "positive" });
  b.output("sum", "float32", ["batch"]);
  b.output("positive", "bool", ["batch"]);

  const run = (batch: number, seed: number): ModelCase["runs"][number] => {
    const x = lcg(seed, batch * 3);
    const hv = matmul(x, w, batch, 3, 2);
    const sum = Float32Array.from({ length: batch }, (_, i) => (hv[2 * i] as number) + (hv[2 * i + 1] as number));
    return {
      feeds: { x: f32([batch, 3], x) },
      expected: { sum: f32([batch], sum), positive: { dtype: "bool", shape: [batch], data: Uint8Array.from(sum, (v) => (v > 0 ? 1 : 0)) } },
    };
  };
  return { name: "symbolic batch", bytes: b.toBytes(), runs: [run(1, 12), run(4, 13)] };
}

export function allCases(): ModelCase[] {
  return [mlpCase(), convCase(), gemmCase(), gatherCase(), dynamicBatchCase()];
}
