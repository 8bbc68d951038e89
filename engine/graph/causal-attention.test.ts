/**
 * A nanoGPT-style causal self-attention written in PyTorch idiom (tril mask, masked_fill with
 * -inf, softmax) runs eagerly, traces without breaks, runs as a compiled plan after the passes and
 * exports to ONNX for onnxruntime, each giving what the eager run gives.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import { createSession } from "../onnx/runtime";
import { exportOnnx } from "./export/onnx-export";
import { runPasses } from "./passes";
import { compilePlan } from "./plan";
import { trace } from "./tracer";

const { nn, F } = T;

class CausalSelfAttention extends nn.Module {
  c_attn: T.nn.Linear;
  c_proj: T.nn.Linear;

  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
  ) {
    super();
    this.c_attn = new nn.Linear(nEmbd, 3 * nEmbd);
    this.c_proj = new nn.Linear(nEmbd, nEmbd);
  }

  override forward(x: T.Tensor): T.Tensor {
    const [b, t, c] = x.shape as [number, number, number];
    const hs = c / this.nHead;
    const [q, k, v] = this.c_attn(x).split(this.nEmbd, 2).map((y) => y.view(b, t, this.nHead, hs).transpose(1, 2)) as [T.Tensor, T.Tensor, T.Tensor];
    let att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs));
    const mask = T.tril(T.ones([t, t]));
    att = att.masked_fill(mask.eq(0), -Infinity);
    att = F.softmax(att, -1);
    const y = att.matmul(v).transpose(1, 2).contiguous().view(b, t, c);
    return this.c_proj(y);
  }
}

/** The same attention, by hand: each query attends to keys 0..i only, no mask op involved. */
function reference(model: CausalSelfAttention, x: T.Tensor): number[] {
  const [b, t, c] = x.shape as [number, number, number];
  const hs = c / model.nHead;
  const qkv = model.c_attn(x).toArray() as number[][][];
  const out: number[] = [];
  const ys: number[][][] = [];
  for (let bi = 0; bi < b; bi++) {
    const rows: number[][] = [];
    for (let i = 0; i < t; i++) {
      const row = new Array<number>(c).fill(0);
      for (let h = 0; h < model.nHead; h++) {
        const at = (tok: number, part: number, d: number) => (qkv[bi]?.[tok]?.[part * c + h * hs + d] as number);
        const scores = Array.from({ length: i + 1 }, (_, j) => {
          let s = 0;
          for (let d = 0; d < hs; d++) s += at(i, 0, d) * at(j, 1, d);
          return s / Math.sqrt(hs);
        });
        const top = Math.max(...scores);
        const w = scores.map((s) => Math.exp(s - top));
        const z = w.reduce((a, e) => a + e, 0);
        for (let d = 0; d < hs; d++) row[h * hs + d] = w.reduce((a, e, j) => a + (e / z) * at(j, 2, d), 0);
      }
      rows.push(row);
    }
    ys.push(rows);
  }
  const y = model.c_proj(T.tensor(ys)).toArray() as number[][][];
  for (const rows of y) for (const row of rows) out.push(...row);
  return out;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - Number(b[i]))), 0);

beforeAll(async () => {
  await setBackend("wasm");
});

describe("GPT-style causal attention in PyTorch idiom", () => {
  it("runs eagerly and masks the future", () => {
    T.manual_seed(0);
    const model = new CausalSelfAttention(8, 2);
    model.eval();
    const x = T.randn(2, 5, 8);
    const y = model(x) as T.Tensor;
    expect(y.shape).toEqual([2, 5, 8]);
    expect(maxAbsDiff(y.raw.dataSync(), reference(model, x))).toBeLessThan(1e-5);
    // Changing the last token must leave every earlier position's output as it was.
    const x2 = T.cat([x.narrow(1, 0, 4), T.randn(2, 1, 8)], 1);
    const y2 = model(x2) as T.Tensor;
    expect(maxAbsDiff(y2.narrow(1, 0, 4).raw.dataSync(), y.narrow(1, 0, 4).raw.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(y2.narrow(1, 4, 1).raw.dataSync(), y.narrow(1, 4, 1).raw.dataSync())).toBeGreaterThan(1e-3);
  });

  it("traces without breaks, and the compiled plan after the passes matches eager", () => {
    T.manual_seed(1);
    const model = new CausalSelfAttention(8, 2);
    model.eval();
    const x = T.randn(2, 5, 8);
    const traced = trace(model, [x], ["x"]);
    expect(traced.breaks).toEqual([]);
    const ops = traced.graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(ops).toContain("tril");
    expect(ops).toContain("where");
    runPasses(traced.graph);
    // The mask depends on no input: constant folding computes tril(ones) == 0 once.
    const after = traced.graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(after).not.toContain("tril");
    const plan = compilePlan(traced.graph);
    const [out] = plan.run([x.raw]);
    const expected = (traced.eagerOutputs[0] as [string, T.Tensor])[1];
    expect(out?.shape).toEqual([2, 5, 8]);
    expect(maxAbsDiff((out as tf.Tensor).dataSync(), expected.raw.dataSync())).toBeLessThan(1e-6);
    out?.dispose();
    plan.dispose();
    traced.graph.dispose();
  });

  it("exports to ONNX and onnxruntime gives the eager result", async () => {
    T.manual_seed(2);
    const model = new CausalSelfAttention(8, 2);
    model.eval();
    const x = T.randn(1, 6, 8);
    const traced = trace(model, [x], ["x"]);
    const { bytes, outputs } = exportOnnx(traced.graph, { producerVersion: "test" });
    const session = await createSession(bytes);
    const got = await session.run({ x: { dtype: "float32", shape: x.shape, data: x.raw.dataSync() as Float32Array } });
    await session.release();
    const actual = got[(outputs[0] as { onnx: string }).onnx];
    const expected = (traced.eagerOutputs[0] as [string, T.Tensor])[1];
    expect(actual?.shape).toEqual([1, 6, 8]);
    expect(maxAbsDiff(Array.from(actual?.data ?? [], Number), expected.raw.dataSync())).toBeLessThan(1e-5);
    traced.graph.dispose();
  });
});
