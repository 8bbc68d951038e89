/**
 * Random tensors (randn, rand, randint and their *_like forms) are ops: their statistics are
 * PyTorch's, they are reproducible under manual_seed, and a graph keeps them random (never folded
 * into one sample, never merged) and follows its input's shape.
 */
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as T from ".";
import { setBackend } from "../eager/backend";
import { runPasses } from "../graph/passes";
import { compilePlan } from "../graph/plan";
import { trace } from "../graph/tracer";
import { exportOnnx } from "../graph/export/onnx-export";
import { createSession } from "../onnx/runtime";

beforeAll(async () => {
  await setBackend("wasm");
});
beforeEach(() => tf.engine().startScope());
afterEach(() => tf.engine().endScope());

const N = 20_000;
const values = (t: T.Tensor) => Array.from(t.raw.dataSync(), Number);
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const stdOf = (v: number[]) => Math.sqrt(meanOf(v.map((x) => (x - meanOf(v)) ** 2)));

describe("samplers", () => {
  it("randn_like: N(0, 1) shaped like its input (mean within 5 standard errors, std within 2%)", () => {
    T.manual_seed(1);
    const s = T.randn_like(T.zeros([4, N / 4]));
    expect(s.shape).toEqual([4, N / 4]);
    expect(s.dtype).toBe("float32");
    const v = values(s);
    expect(Math.abs(meanOf(v))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(stdOf(v) - 1)).toBeLessThan(0.02);
  });

  it("rand_like: U[0, 1) with mean 1/2; randint_like: integers in [low, high), every value drawn", () => {
    T.manual_seed(2);
    const u = values(T.rand_like(T.zeros([N])));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(meanOf(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    const r = T.randint_like(T.zeros([N]), -3, 4);
    expect(r.dtype).toBe("int32");
    expect(new Set(values(r))).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(() => T.randint_like(T.zeros([2]), 3, 3)).toThrow(/high \(3\) must be greater than low \(3\)/);
  });

  it("repeat under manual_seed, and differ without it", () => {
    T.manual_seed(7);
    const a = values(T.randn([3, 4]));
    const b = values(T.randn([3, 4]));
    T.manual_seed(7);
    expect(values(T.randn([3, 4]))).toEqual(a);
    expect(b).not.toEqual(a);
  });
});

class Noisy extends T.nn.Module {
  override forward(x: T.Tensor): T.Tensor[] {
    // Two draws on the same input: common-subexpression elimination must not merge them.
    return [x.add(T.randn_like(x)), x.add(T.randn_like(x)), x.add(T.zeros_like(x)), T.randn([2, 3])];
  }
}

describe("random ops in graph mode", () => {
  it("stay random through the passes: never folded into a constant, never merged", () => {
    T.manual_seed(0);
    const traced = trace(new Noisy(), [T.ones([2, 3])], ["x"]);
    runPasses(traced.graph);
    const ops = traced.graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(ops.filter((op) => op === "randn_like")).toHaveLength(2);
    expect(ops).toContain("randn"); // no inputs, yet not folded
    const plan = compilePlan(traced.graph);
    const x = tf.ones([2, 3]);
    const first = plan.run([x]).map((t) => Array.from(t.dataSync()));
    const second = plan.run([x]).map((t) => Array.from(t.dataSync()));
    expect(second[0]).not.toEqual(first[0]);
    expect(first[1]).not.toEqual(first[0]);
    expect(second[3]).not.toEqual(first[3]);
    expect(first[2]).toEqual([1, 1, 1, 1, 1, 1]);
    plan.dispose();
    traced.graph.dispose();
  });

  it("export as RandomNormalLike and follow a dynamic batch, as zeros_like does", async () => {
    T.manual_seed(0);
    const traced = trace(new Noisy(), [T.ones([2, 3])], ["x"]);
    const { bytes, outputs } = exportOnnx(traced.graph, { producerVersion: "test", dynamicBatch: true });
    traced.graph.dispose();
    const text = Buffer.from(bytes).toString("latin1");
    expect(text).toContain("RandomNormalLike");
    const session = await createSession(bytes);
    const feed = { x: { dtype: "float32" as const, shape: [5, 3], data: new Float32Array(15).fill(1) } };
    const a = await session.run(feed);
    const b = await session.run(feed);
    await session.release();
    const [noisy, , zeros] = outputs.map((o) => o.onnx) as [string, string, string];
    expect(a[noisy]?.shape).toEqual([5, 3]);
    expect(a[zeros]?.shape).toEqual([5, 3]);
    expect(Array.from(a[zeros]?.data ?? [], Number)).toEqual(new Array(15).fill(1));
    expect(Array.from(b[noisy]?.data ?? [], Number)).not.toEqual(Array.from(a[noisy]?.data ?? [], Number));
  });
});
