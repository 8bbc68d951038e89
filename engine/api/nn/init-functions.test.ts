/**
 * nn.init's keyword options and the initialisers the first API lacked. Random draws cannot match
 * PyTorch value by value (different generators), so their statistics are checked: with N samples,
 * a sample mean lies within 5 standard errors (sigma / sqrt(N)) and a sample std within
 * 5 * sigma / sqrt(2N) of the truth except with probability below 1e-6; fixed seeds make the runs
 * repeatable anyway.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn, F } = T;

const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

function moments(t: T.Tensor): { n: number; mean: number; std: number; min: number; max: number } {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { n: v.length, mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** Sample mean and std within 5 standard errors of the distribution's. */
function expectMoments(t: T.Tensor, mean: number, std: number): void {
  const m = moments(t);
  expect(Number.isFinite(m.mean)).toBe(true);
  expect(Math.abs(m.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(m.n));
  expect(Math.abs(m.std - std)).toBeLessThan((5 * std) / Math.sqrt(2 * m.n));
}

const N = 20000;

describe("nn.init keyword options", () => {
  it("normal_ takes { mean, std } (it filled NaN before)", () => {
    T.manual_seed(1);
    const w = nn.init.normal_(T.zeros(N), { mean: 3, std: 0.5 });
    expectMoments(w, 3, 0.5);
    expectMoments(nn.init.normal_(T.zeros(N), { std: 0.02 }), 0, 0.02);
  });

  it("uniform_ takes { a, b } and stays in [a, b)", () => {
    T.manual_seed(2);
    const w = nn.init.uniform_(T.zeros(N), { a: -2, b: 3 });
    const m = moments(w);
    expect(m.min).toBeGreaterThanOrEqual(-2);
    expect(m.max).toBeLessThan(3);
    expectMoments(w, 0.5, 5 / Math.sqrt(12));
  });

  it("xavier_normal_ and xavier_uniform_ take gain positionally or by keyword", () => {
    T.manual_seed(3);
    const w = T.zeros(200, 100);
    expectMoments(nn.init.xavier_normal_(w, { gain: 2 }), 0, 2 * Math.sqrt(2 / 300));
    expectMoments(nn.init.xavier_uniform_(w, 2), 0, (2 * Math.sqrt(6 / 300)) / Math.sqrt(3));
    expectMoments(nn.init.xavier_uniform_(w, { gain: 0.5 }), 0, (0.5 * Math.sqrt(6 / 300)) / Math.sqrt(3));
  });

  it("kaiming_uniform_ and kaiming_normal_ follow a, mode and nonlinearity", () => {
    T.manual_seed(4);
    const w = T.zeros(64, 32, 3, 3); // fan_in 288, fan_out 576
    nn.init.kaiming_uniform_(w, { a: Math.sqrt(5) });
    expect(Math.max(...values(w).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(288));
    expectMoments(w, 0, 1 / Math.sqrt(288) / Math.sqrt(3));
    expectMoments(nn.init.kaiming_normal_(w, { mode: "fan_out", nonlinearity: "relu" }), 0, Math.SQRT2 / Math.sqrt(576));
    expectMoments(nn.init.kaiming_normal_(w, 0, "fan_in", "tanh"), 0, 5 / 3 / Math.sqrt(288));
    expect(() => nn.init.kaiming_normal_(w, { mode: "fan_avg" as "fan_in" })).toThrow(/Mode fan_avg not supported/);
  });

  it("trunc_normal_ stays in [a, b] with the truncated distribution's moments, tails included", () => {
    T.manual_seed(5);
    // N(1, 2²) on [0, 2]: symmetric, so mean 1; variance 4 * (1 - 2 * 0.5 * phi(0.5) / Z), Z = 0.38292.
    const w = nn.init.trunc_normal_(T.zeros(N), { mean: 1, std: 2, a: 0, b: 2 });
    const m = moments(w);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThanOrEqual(2);
    expectMoments(w, 1, Math.sqrt(4 * (1 - 0.3520653 / 0.3829249)));
    // A far tail (N(0, 1) on [3, 4]: mean (phi(3) - phi(4)) / (Phi(4) - Phi(3)) = 3.2604) draws without looping.
    const tail = moments(nn.init.trunc_normal_(T.zeros(N), 0, 1, 3, 4));
    expect(tail.min).toBeGreaterThanOrEqual(3);
    expect(tail.max).toBeLessThanOrEqual(4);
    expect(Math.abs(tail.mean - 3.2604)).toBeLessThan(0.01);
  });

  it("take a layer's possibly-null bias in their types and reject a null one at run time", () => {
    const fc = new nn.Linear(2, 2, { bias: false });
    expect(() => nn.init.zeros_(fc.bias)).toThrow("nn.init.zeros_: got null instead of a tensor");
    expect(() => nn.init.normal_(fc.bias, { std: 1 })).toThrow(/nn\.init\.normal_: got null/);
  });

  it("random initialisers repeat under manual_seed and differ across seeds", () => {
    const draw = (seed: number) => {
      T.manual_seed(seed);
      return [nn.init.normal_(T.zeros(8)), nn.init.trunc_normal_(T.zeros(8)), nn.init.orthogonal_(T.zeros(3, 3))].flatMap(values);
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
  });
});

describe("orthogonal_, eye_, dirac_, calculate_gain", () => {
  function gram(w: T.Tensor, rowsOrthonormal: boolean): number[][] {
    const m = rowsOrthonormal ? w.reshape(w.shape[0] as number, -1) : w.reshape(w.shape[0] as number, -1).T;
    return m.matmul(m.T).toArray() as number[][];
  }
  const identity = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
  function expectClose(a: number[][], b: number[][]): void {
    a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (b[i]?.[j] as number))).toBeLessThan(1e-5)));
  }

  it("orthogonal_ gives orthonormal rows (wide) or columns (tall), times gain, conv weights flattened", () => {
    T.manual_seed(6);
    expectClose(gram(nn.init.orthogonal_(T.zeros(6, 10)), true), identity(6));
    expectClose(gram(nn.init.orthogonal_(T.zeros(10, 6), { gain: 2 }), false), identity(6, 4));
    expectClose(gram(nn.init.orthogonal_(T.zeros(4, 2, 3, 3)), true), identity(4));
    expect(() => nn.init.orthogonal_(T.zeros(3))).toThrow(/2 or more dimensions/);
  });

  it("eye_ fills the identity, non-square too", () => {
    expect(nn.init.eye_(T.full([2, 3], 7)).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(() => nn.init.eye_(T.zeros(2, 2, 2))).toThrow(/2 dimensions/);
  });

  it("dirac_ makes a conv that passes its input through", () => {
    const w = nn.init.dirac_(T.randn(3, 3, 3, 3));
    const x = T.randn(1, 3, 5, 5);
    const y = F.conv2d(x, w, null, { padding: 1 });
    expect(values(y.sub(x)).every((v) => Math.abs(v) < 1e-6)).toBe(true);
    // PyTorch's layout for groups=2 on [2, 2, 3]: each group's first channel at the centre tap.
    expect(nn.init.dirac_(T.zeros(2, 2, 3), 2).toArray()).toEqual([[[0, 1, 0], [0, 0, 0]], [[0, 1, 0], [0, 0, 0]]]);
  });

  it("calculate_gain returns PyTorch's values", () => {
    expect(["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"].map((n) => nn.init.calculate_gain(n as T.nn.init.Nonlinearity))).toEqual([
      1, 1, 5 / 3, Math.SQRT2, Math.sqrt(2 / (1 + 0.01 ** 2)), 0.75,
    ]);
    expect(nn.init.calculate_gain("leaky_relu", 0.2)).toBeCloseTo(1.3867504905630728, 12);
  });
});
