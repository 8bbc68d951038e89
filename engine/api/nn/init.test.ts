/** PyTorch's default initialisation of each layer, checked statistically, and the nn.init functions. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;

const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

function stats(t: T.Tensor): { mean: number; std: number; maxAbs: number; min: number; max: number } {
  const v = values(t);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance), maxAbs: Math.max(-min, max), min, max };
}

/** U(-bound, bound): within the bound, reaching close to it on both sides, flat (std = bound / sqrt 3). */
function expectUniform(t: T.Tensor, bound: number, options: { stdTol?: number } = {}): void {
  const s = stats(t);
  expect(s.maxAbs).toBeLessThanOrEqual(bound);
  expect(s.max).toBeGreaterThan(0.95 * bound);
  expect(s.min).toBeLessThan(-0.95 * bound);
  expect(Math.abs(s.mean)).toBeLessThan(0.05 * bound);
  const tol = options.stdTol ?? 0.05;
  expect(Math.abs(s.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(tol);
}

const allEqual = (t: T.Tensor, v: number): boolean => values(t).every((x) => x === v);

describe("default init", () => {
  it("Linear: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in))", () => {
    T.manual_seed(0);
    const fc = new nn.Linear(256, 512);
    const bound = 1 / Math.sqrt(256);
    expect(fc.weight.shape).toEqual([512, 256]);
    const s = stats(fc.weight);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.95 * bound);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * bound);
    expect(Math.abs(s.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.05);
    // The bias uses the same bound (fan_in of the weight), not 1/sqrt(out).
    expect(fc.bias?.shape).toEqual([512]);
    expectUniform(fc.bias as T.Tensor, bound, { stdTol: 0.15 });
  });

  it("Linear without bias has bias null and no bias parameter", () => {
    const fc = new nn.Linear(4, 3, { bias: false });
    expect(fc.bias).toBeNull();
    expect(fc.named_parameters().map(([n]) => n)).toEqual(["weight"]);
  });

  it("Conv2d: bound uses fan_in = in/groups * kh * kw", () => {
    T.manual_seed(1);
    const conv = new nn.Conv2d(8, 16, [3, 5], { groups: 2 });
    expect(conv.weight.shape).toEqual([16, 4, 3, 5]);
    const bound = 1 / Math.sqrt((8 / 2) * 3 * 5);
    expectUniform(conv.weight, bound);
    // The ungrouped bound would be 1/sqrt(120): the values must reach past it.
    expect(stats(conv.weight).maxAbs).toBeGreaterThan(1 / Math.sqrt(120));
    const b = stats(conv.bias as T.Tensor);
    expect(b.maxAbs).toBeLessThanOrEqual(bound);
  });

  it("Conv2d with groups=1 and a square kernel", () => {
    T.manual_seed(2);
    const conv = new nn.Conv2d(6, 32, 3);
    expectUniform(conv.weight, 1 / Math.sqrt(6 * 9));
  });

  it("Embedding ~ N(0, 1)", () => {
    T.manual_seed(3);
    const emb = new nn.Embedding(1000, 64);
    expect(emb.weight.shape).toEqual([1000, 64]);
    const s = stats(emb.weight);
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.02);
    // Gaussian tails: 64000 draws reach well past 3 sigma, which a uniform init would not.
    expect(s.maxAbs).toBeGreaterThan(3.5);
    // About 68.3% within one sigma.
    const within = values(emb.weight).filter((v) => Math.abs(v) < 1).length / 64000;
    expect(within).toBeGreaterThan(0.67);
    expect(within).toBeLessThan(0.695);
  });

  it("Embedding padding_idx row is zero, the others are not", () => {
    T.manual_seed(4);
    const emb = new nn.Embedding(10, 8, { padding_idx: 3 });
    const rows = emb.weight.toArray() as number[][];
    expect(rows[3]?.every((v) => v === 0)).toBe(true);
    rows.forEach((row, i) => {
      if (i !== 3) expect(row.some((v) => v !== 0)).toBe(true);
    });
    expect(emb.padding_idx).toBe(3);
  });

  it("Embedding negative padding_idx counts from the end", () => {
    const emb = new nn.Embedding(5, 2, { padding_idx: -1 });
    expect(emb.padding_idx).toBe(4);
    expect((emb.weight.toArray() as number[][])[4]?.every((v) => v === 0)).toBe(true);
  });

  it("Embedding padding_idx row is +0 bitwise, as PyTorch's zero fill (no -0 from masking)", () => {
    T.manual_seed(4);
    const emb = new nn.Embedding(10, 8, { padding_idx: 3 });
    const row = (emb.weight.toArray() as number[][])[3] as number[];
    expect(row.map((v) => Object.is(v, -0))).toEqual(new Array(8).fill(false));
  });

  it("LayerNorm: weight ones, bias zeros", () => {
    const ln = new nn.LayerNorm([4, 6]);
    expect(ln.weight?.shape).toEqual([4, 6]);
    expect(allEqual(ln.weight as T.Tensor, 1)).toBe(true);
    expect(allEqual(ln.bias as T.Tensor, 0)).toBe(true);
    const plain = new nn.LayerNorm(5, { elementwise_affine: false });
    expect(plain.weight).toBeNull();
    expect(plain.parameters()).toEqual([]);
  });

  it("BatchNorm2d: weight ones, bias zeros, running_mean zeros, running_var ones, num_batches_tracked 0", () => {
    const bn = new nn.BatchNorm2d(7);
    expect(allEqual(bn.weight as T.Tensor, 1)).toBe(true);
    expect(allEqual(bn.bias as T.Tensor, 0)).toBe(true);
    expect(bn.running_mean?.shape).toEqual([7]);
    expect(allEqual(bn.running_mean as T.Tensor, 0)).toBe(true);
    expect(allEqual(bn.running_var as T.Tensor, 1)).toBe(true);
    expect(bn.num_batches_tracked?.shape).toEqual([]);
    expect(bn.num_batches_tracked?.item()).toBe(0);
    const noStats = new nn.BatchNorm2d(3, { track_running_stats: false, affine: false });
    expect(Object.keys(noStats.state_dict())).toEqual([]);
  });

  it("MultiheadAttention: xavier in_proj_weight with bound sqrt(6/(E+3E)), zero biases", () => {
    T.manual_seed(5);
    const e = 16;
    const mha = new nn.MultiheadAttention(e, 4);
    expect(mha.in_proj_weight.shape).toEqual([3 * e, e]);
    const bound = Math.sqrt(6 / (e + 3 * e));
    expectUniform(mha.in_proj_weight, bound);
    expect(allEqual(mha.in_proj_bias as T.Tensor, 0)).toBe(true);
    expect(mha.in_proj_bias?.shape).toEqual([3 * e]);
    expect(allEqual(mha.out_proj.bias as T.Tensor, 0)).toBe(true);
    // out_proj.weight keeps Linear's default init.
    expect(stats(mha.out_proj.weight).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(e));
    expect(Object.keys(mha.state_dict())).toEqual(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
  });
});

describe("nn.init", () => {
  it("initialisers modify the Parameter in place and return it", () => {
    const p = new T.Parameter(T.zeros(3, 4));
    expect(nn.init.ones_(p)).toBe(p);
    expect(allEqual(p, 1)).toBe(true);
    expect(nn.init.constant_(p, 2.5)).toBe(p);
    expect(allEqual(p, 2.5)).toBe(true);
    nn.init.zeros_(p);
    expect(allEqual(p, 0)).toBe(true);
    expect(p.shape).toEqual([3, 4]);
  });

  it("uniform_ draws in [a, b)", () => {
    T.manual_seed(6);
    const p = new T.Parameter(T.zeros(2000));
    nn.init.uniform_(p, -3, 5);
    const s = stats(p);
    expect(s.min).toBeGreaterThanOrEqual(-3);
    expect(s.max).toBeLessThan(5);
    expect(s.mean).toBeCloseTo(1, 0);
  });

  it("normal_ uses mean and std", () => {
    T.manual_seed(7);
    const p = new T.Parameter(T.zeros(20000));
    nn.init.normal_(p, 3, 0.5);
    const s = stats(p);
    expect(Math.abs(s.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 0.5)).toBeLessThan(0.02);
  });

  it("xavier_uniform_ and kaiming_uniform_ use PyTorch's bounds", () => {
    T.manual_seed(8);
    const p = new T.Parameter(T.zeros(64, 32, 3, 3));
    nn.init.xavier_uniform_(p, 2);
    expectUniform(p, 2 * Math.sqrt(6 / (32 * 9 + 64 * 9)));
    nn.init.kaiming_uniform_(p);
    expectUniform(p, Math.sqrt(2) * Math.sqrt(3 / (32 * 9)));
    nn.init.kaiming_uniform_(p, Math.sqrt(5));
    expectUniform(p, 1 / Math.sqrt(32 * 9));
  });

  it("initialisers also fill plain tensors in place, as torch.nn.init does", () => {
    const t = T.ones(2);
    expect(nn.init.zeros_(t)).toBe(t);
    expect(t.toArray()).toEqual([0, 0]);
  });

  it("an initialiser on a layer's weight (already in kernel layout) changes the layer's output", () => {
    const fc = new nn.Linear(3, 2);
    fc(T.randn(1, 3)); // the weight is now stored transposed for the kernel
    nn.init.zeros_(fc.weight);
    nn.init.constant_(fc.bias as T.Tensor, 0.25);
    expect(fc(T.randn(4, 3)).toArray()).toEqual(new Array(4).fill([0.25, 0.25]));
  });
});
