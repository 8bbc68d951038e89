/** Seeding and the random creation functions: reproducibility and ranges. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from ".";
import { setBackend } from "../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;

/** The exact bits of a tensor's values, so -0/+0 and NaN payloads count. */
const bits = (t: T.Tensor): number[] => {
  const data = t.raw.dataSync();
  return data instanceof Float32Array ? Array.from(new Uint32Array(Float32Array.from(data).buffer)) : Array.from(data, Number);
};

class Model extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3);
  bn = new nn.BatchNorm2d(8);
  emb = new nn.Embedding(20, 8);
  attn = new nn.MultiheadAttention(8, 2);
  fc = new nn.Linear(8, 4);
  override forward(x: T.Tensor): T.Tensor {
    return this.fc(this.bn(this.conv(x)).mean([2, 3]));
  }
}

function stateBits(m: T.nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.state_dict()).map(([k, t]) => [k, bits(t)]));
}

describe("manual_seed and model construction", () => {
  it("the same seed builds bitwise-identical state_dicts", () => {
    T.manual_seed(42);
    const a = stateBits(new Model());
    T.manual_seed(42);
    const b = stateBits(new Model());
    expect(Object.keys(a)).toHaveLength(14);
    expect(b).toEqual(a);
  });

  it("different seeds give different weights", () => {
    T.manual_seed(1);
    const a = stateBits(new Model());
    T.manual_seed(2);
    const b = stateBits(new Model());
    for (const key of ["conv.weight", "conv.bias", "emb.weight", "attn.in_proj_weight", "fc.weight"]) {
      expect(b[key], key).not.toEqual(a[key]);
    }
    // Constant-initialised entries do not depend on the seed.
    expect(b["bn.running_var"]).toEqual(a["bn.running_var"]);
  });

  it("without reseeding, a second model continues the stream and differs", () => {
    T.manual_seed(7);
    const a = stateBits(new Model());
    const b = stateBits(new Model());
    expect(b["fc.weight"]).not.toEqual(a["fc.weight"]);
  });

  it("seeded models give identical outputs", () => {
    T.manual_seed(3);
    const x = T.randn(2, 3, 6, 6);
    T.manual_seed(9);
    const y1 = bits(new Model()(x));
    T.manual_seed(9);
    const y2 = bits(new Model()(x));
    expect(y2).toEqual(y1);
  });

  it("manual_seed returns the generator and rejects non-finite seeds", () => {
    expect(T.manual_seed(5)).toBeInstanceOf(T.Generator);
    expect(T.manual_seed(5).seed).toBe(5);
    expect(() => T.manual_seed(Number.NaN)).toThrow(TypeError);
    expect(() => T.manual_seed(Infinity)).toThrow(TypeError);
  });
});

describe("randn / rand / randint", () => {
  it("randn is reproducible by seed and has the requested shape", () => {
    T.manual_seed(11);
    const a = T.randn(3, 5);
    T.manual_seed(11);
    const b = T.randn([3, 5]);
    expect(a.shape).toEqual([3, 5]);
    expect(a.dtype).toBe("float32");
    expect(bits(b)).toEqual(bits(a));
    T.manual_seed(12);
    expect(bits(T.randn(3, 5))).not.toEqual(bits(a));
  });

  it("randn of an odd count is still reproducible (Box-Muller pairs)", () => {
    T.manual_seed(13);
    const a = bits(T.randn(7));
    T.manual_seed(13);
    expect(bits(T.randn(7))).toEqual(a);
  });

  it("randn is roughly standard normal", () => {
    T.manual_seed(14);
    const v = Array.from(T.randn(50000).raw.dataSync());
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
  });

  it("rand is reproducible and in [0, 1)", () => {
    T.manual_seed(15);
    const a = T.rand(100, 100);
    T.manual_seed(15);
    expect(bits(T.rand(100, 100))).toEqual(bits(a));
    const v = Array.from(a.raw.dataSync());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.max(...v)).toBeGreaterThan(0.999);
  });

  it("rand never returns exactly 1, even where a draw rounds up in float32", () => {
    // Seed 134's default stream has a draw above 1 - 2^-25 at index 55854, which rounds to 1.0 in float32.
    T.manual_seed(134);
    const v = T.rand(60000).raw.dataSync();
    let ones = 0;
    for (const x of v) if (x >= 1) ones++;
    expect(ones).toBe(0);
  });

  it("randint is reproducible, int32, and in [low, high) covering every value", () => {
    T.manual_seed(16);
    const a = T.randint(-3, 4, [2000]);
    T.manual_seed(16);
    expect(bits(T.randint(-3, 4, [2000]))).toEqual(bits(a));
    expect(a.dtype).toBe("int32");
    expect(a.shape).toEqual([2000]);
    const seen = new Set(Array.from(a.raw.dataSync()));
    expect([...seen].sort((x, y) => x - y)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it("randint rejects an empty range", () => {
    expect(() => T.randint(5, 5, [3])).toThrow(/high \(5\) must be greater than low \(5\)/);
  });

  it("an explicit generator is independent of the default stream", () => {
    T.manual_seed(17);
    const fromDefault = bits(T.randn(4));
    const a = bits(T.randn(4, { generator: new T.Generator(17) }));
    expect(a).toEqual(fromDefault);
    // Drawing from a private generator does not advance the default one.
    T.manual_seed(18);
    T.randn(4, { generator: new T.Generator(99) });
    const next = bits(T.randn(4));
    T.manual_seed(18);
    expect(bits(T.randn(4))).toEqual(next);
  });

  it("size arguments are validated", () => {
    expect(() => T.randn(2, -1)).toThrow(/sizes must be non-negative integers/);
    expect(() => T.rand(1.5)).toThrow(/sizes must be non-negative integers/);
  });
});
