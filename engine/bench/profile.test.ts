/** Per-op profiles: eager through the op observer, onnxruntime node names mapped back to the IR. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import { irNodeFor, planProfile, profileEager } from "./profile";
import { ratioPairs, threadCandidates, withBatch } from "./job";

const { nn, F } = T;

beforeAll(async () => {
  await setBackend("cpu");
});

class Net extends nn.Module {
  fc1 = new nn.Linear(8, 16);
  fc2 = new nn.Linear(16, 4);
  override forward(x: T.Tensor): T.Tensor {
    return this.fc2(F.relu(this.fc1(x)));
  }
}

describe("profileEager", () => {
  it("times every op, grouped by op type and by module path, summing to the profiled forward", () => {
    T.manual_seed(0);
    const model = new Net().eval();
    const x = T.randn([4, 8]);
    const p = profileEager(model, () => void (model as unknown as (x: T.Tensor) => T.Tensor)(x), 5);
    expect(p.forwards).toBe(5);
    expect(p.opsPerForward).toBe(3); // linear, relu, linear
    const linear = p.byOp.find((r) => r.key === "linear");
    expect(linear?.calls).toBe(2);
    expect(p.byOp.find((r) => r.key === "relu")?.calls).toBe(1);
    expect(p.byModule.map((r) => r.key)).toEqual(expect.arrayContaining(["fc1", "fc2"]));
    const sum = p.byOp.reduce((s, r) => s + r.ms, 0);
    expect(sum).toBeCloseTo(p.profiledMsPerForward, 6);
    expect(p.byOp.reduce((s, r) => s + r.pct, 0)).toBeCloseTo(100, 6);
  });
});

describe("planProfile", () => {
  it("averages per-step times over runs", () => {
    const steps = [
      { op: "linear", module: "fc1" },
      { op: "relu", module: null },
    ];
    const p = planProfile(steps, [[2, 1], [4, 1]], "graph:tfjs");
    expect(p.byOp[0]).toEqual({ key: "linear", calls: 1, ms: 3, pct: 75 });
    expect(p.byModule.find((r) => r.key === "(top level)")?.ms).toBe(1);
  });
});

describe("irNodeFor: onnxruntime node names back to IR nodes", () => {
  const index = new Map([
    ["MatMul", "mha"],
    ["MatMul_6", "linear_1"],
    ["conv2d_1_relu", "conv2d_1"],
    ["conv2d_1_conv", "conv2d_1"],
    ["conv2d_relu", "conv2d"],
    ["Add", "add"],
    ["Add_1", "add_1"],
  ]);
  it.each([
    ["MatMul_6/MatMulAddFusion", "linear_1"],
    ["MatMul/MatMulAddFusion", "mha"],
    ["conv2d_1_relu_nchwc", "conv2d_1"],
    ["conv2d_relu_nchwc", "conv2d"],
    ["Add_1", "add_1"],
    ["Add_7", null], // another generated name, not "Add"
    ["ReorderOutput_token_24", null],
  ])("%s -> %s", (name, ir) => {
    expect(irNodeFor(name, index)).toBe(ir);
  });
});

describe("job helpers", () => {
  it("replaces dim 0 of every input for --batch, leaving 0-d inputs alone", () => {
    expect(withBatch({ x: [8, 3, 32, 32], ids: { shape: [2, 16], dtype: "int64", high: 10, low: 0 }, s: [] }, 1)).toEqual({
      x: [1, 3, 32, 32],
      ids: { shape: [1, 16], dtype: "int64", high: 10, low: 0 },
      s: [],
    });
    expect(withBatch({ x: [8, 4] }, null)).toEqual({ x: [8, 4] });
  });

  it("tries 1..cores threads for auto and dedupes a list", () => {
    expect(threadCandidates([2, 1, 2])).toEqual([2, 1]);
    const auto = threadCandidates("auto");
    expect(auto[0]).toBe(1);
    expect(auto.every((t, i) => t === i + 1)).toBe(true);
  });

  it("pairs every variant with the first, graph:ort with bare onnxruntime and graph:tfjs, threads with one thread", () => {
    const v = (name: string, mode: string, threads = 1) => ({ name, mode, threads });
    const vs = [v("eager", "eager"), v("graph:tfjs", "graph:tfjs"), v("graph:ort@1t", "graph:ort"), v("ort-bare@1t", "ort-bare"), v("graph:ort@2t", "graph:ort", 2)];
    const names = ratioPairs(vs).map(([a, b]) => `${a.name}/${b.name}`);
    expect(names).toEqual(
      expect.arrayContaining(["graph:tfjs/eager", "graph:ort@1t/eager", "graph:ort@1t/ort-bare@1t", "graph:ort@1t/graph:tfjs", "graph:ort@2t/graph:ort@1t", "graph:ort@2t/graph:tfjs"]),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
