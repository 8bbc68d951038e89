/**
 * Parameter layout switching: a layer stores its weight in the kernel's layout (Linear [in, out],
 * Conv2d HWIO) after a forward, yet every reader sees PyTorch's layout and values.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from ".";
import { setBackend } from "../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn, F } = T;
const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

/** A [rows, cols] weight with distinct, exactly representable values, so a transpose is visible. */
function grid(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => r * 10 + c));
}

describe("Parameter basics", () => {
  it("wraps a copy of the data: later changes to the source do not reach it", () => {
    const src = T.tensor([1, 2, 3]);
    const p = new T.Parameter(src);
    expect(p).toBeInstanceOf(T.Tensor);
    expect(p.toArray()).toEqual([1, 2, 3]);
    expect(p.raw).not.toBe(src.raw);
    src.raw.dispose();
    expect(p.toArray()).toEqual([1, 2, 3]);
  });

  it("survives a tfjs scope it was created in (kept)", () => {
    tf.engine().startScope();
    const p = new T.Parameter(T.ones(2, 2));
    tf.engine().endScope();
    expect(p.toArray()).toEqual([[1, 1], [1, 1]]);
  });

  it("is exported as nn.Parameter too", () => {
    expect(nn.Parameter).toBe(T.Parameter);
  });
});

describe("Linear weight layout", () => {
  it("F.linear with a Parameter keeps shape [out, in] and the original values", () => {
    const w = grid(3, 4);
    const p = new T.Parameter(T.tensor(w));
    const x = T.tensor([[1, 0, 0, 0], [0, 1, 0, 0]]);
    const y = F.linear(x, p);
    // y = x W^T: row 0 is W's column 0.
    expect(y.toArray()).toEqual([[0, 10, 20], [1, 11, 21]]);
    expect(p.shape).toEqual([3, 4]);
    expect(p.size()).toEqual([3, 4]);
    expect(p.dim()).toBe(2);
    expect(p.numel()).toBe(12);
    expect(p.toArray()).toEqual(w);
    expect(p.raw.shape).toEqual([3, 4]);
  });

  it("the Parameter's shape reads [out, in] even while stored transposed", () => {
    const p = new T.Parameter(T.tensor(grid(2, 5)));
    F.linear(T.ones(1, 5), p);
    // Reading only metadata must not depend on the stored layout.
    expect(p.shape).toEqual([2, 5]);
    expect(p.size(0)).toBe(2);
    expect(p.size(-1)).toBe(5);
    expect(p.dtype).toBe("float32");
  });

  it("alternating reads and forwards keep values and outputs stable", () => {
    T.manual_seed(0);
    const fc = new nn.Linear(6, 4);
    const x = T.randn(3, 6);
    const original = values(fc.weight);
    const y0 = values(fc(x));
    for (let i = 0; i < 3; i++) {
      expect(values(fc.weight)).toEqual(original);
      expect(fc.weight.toArray()).toEqual(fc.weight.toArray());
      expect(values(fc(x))).toEqual(y0);
      expect(values(fc(x))).toEqual(y0); // twice in a row: the cached layout is reused
    }
  });

  it("state_dict after a forward returns the weight in torch layout", () => {
    const w = grid(2, 3);
    const fc = new nn.Linear(3, 2);
    fc.load_state_dict({ weight: T.tensor(w), bias: T.zeros(2) });
    fc(T.ones(1, 3));
    const sd = fc.state_dict();
    expect(sd["weight"]?.shape).toEqual([2, 3]);
    expect(sd["weight"]?.toArray()).toEqual(w);
    // and loading it into another model reproduces the layer
    const other = new nn.Linear(3, 2);
    other.load_state_dict(sd);
    expect(other(T.ones(1, 3)).toArray()).toEqual(fc(T.ones(1, 3)).toArray());
  });

  it("tensor math on a weight in kernel layout sees torch layout", () => {
    const w = grid(2, 3);
    const p = new T.Parameter(T.tensor(w));
    F.linear(T.ones(1, 3), p);
    expect(p.sum(1).toArray()).toEqual([0 + 1 + 2, 10 + 11 + 12]);
    expect(p.add(1).toArray()).toEqual(w.map((r) => r.map((v) => v + 1)));
    expect(p.T.toArray()).toEqual([[0, 10], [1, 11], [2, 12]]);
    expect(T.matmul(T.ones(1, 2), p).toArray()).toEqual([[10, 12, 14]]);
    expect(String(p)).toBe(String(T.tensor(w)));
  });

  it("a Parameter used as both input and weight gives x W^T", () => {
    const p = new T.Parameter(T.tensor([[1, 2], [3, 4]]));
    // [[1,2],[3,4]] @ [[1,3],[2,4]]
    expect(F.linear(p, p).toArray()).toEqual([[5, 11], [11, 25]]);
    expect(p.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("a plain Tensor weight is never modified by F.linear", () => {
    const w = T.tensor(grid(2, 3));
    const raw = w.raw;
    F.linear(T.ones(1, 3), w);
    expect(w.raw).toBe(raw);
    expect(w.toArray()).toEqual(grid(2, 3));
  });
});

describe("Conv2d weight layout", () => {
  it("after a forward the weight is still [out, in, kh, kw] with its values, and outputs repeat", () => {
    T.manual_seed(1);
    const conv = new nn.Conv2d(2, 3, [2, 3], { padding: 1 });
    const x = T.randn(1, 2, 5, 5);
    const original = conv.weight.toArray();
    const y0 = values(conv(x));
    expect(conv.weight.shape).toEqual([3, 2, 2, 3]);
    expect(conv.weight.toArray()).toEqual(original);
    expect(conv.state_dict()["weight"]?.toArray()).toEqual(original);
    expect(values(conv(x))).toEqual(y0);
    expect(conv.weight.toArray()).toEqual(original);
    expect(values(conv(x))).toEqual(y0);
  });

  it("a conv weight read through reshape between calls switches HWIO -> torch -> HWIO correctly", () => {
    // A [2, 3, 1, 1] conv kernel on a 1x1 image is a [2, 3] linear weight.
    T.manual_seed(2);
    const p = new T.Parameter(T.randn(2, 3, 1, 1));
    const x = T.randn(1, 3, 1, 1);
    const first = values(F.conv2d(x, p)); // p is now stored HWIO
    const byLinear = values(F.linear(x.reshape(1, 3), p.reshape(2, 3))); // reads torch layout
    const second = values(F.conv2d(x, p));
    expect(second).toEqual(first);
    byLinear.forEach((v, i) => expect(v).toBeCloseTo(first[i] as number, 5));
    expect(p.shape).toEqual([2, 3, 1, 1]);
  });

  it("grouped and depthwise convolutions keep the stored weight intact", () => {
    T.manual_seed(3);
    const dw = new nn.Conv2d(4, 8, 3, { groups: 4, padding: 1 });
    const g = new nn.Conv2d(4, 6, 1, { groups: 2 });
    const x = T.randn(1, 4, 4, 4);
    const w1 = dw.weight.toArray();
    const w2 = g.weight.toArray();
    const y1 = values(dw(x));
    const y2 = values(g(x));
    expect(dw.weight.toArray()).toEqual(w1);
    expect(g.weight.toArray()).toEqual(w2);
    expect(values(dw(x))).toEqual(y1);
    expect(values(g(x))).toEqual(y2);
  });
});

describe("load_state_dict into a layer in kernel layout", () => {
  it("replaces the values and the layer uses them on the next call", () => {
    const fc = new nn.Linear(2, 2, { bias: false });
    fc(T.ones(1, 2)); // now stored as [in, out]
    fc.load_state_dict({ weight: T.tensor([[1, 2], [3, 4]]) });
    expect(fc.weight.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(fc(T.tensor([[1, 0]])).toArray()).toEqual([[1, 3]]);
  });
});

describe("memory", () => {
  it("a Parameter is one tensor whichever layout it is in", () => {
    const p = new T.Parameter(T.tensor(grid(4, 4)));
    const before = tf.memory().numTensors;
    tf.engine().startScope();
    F.linear(T.ones(1, 4), p);
    tf.engine().endScope();
    expect(tf.memory().numTensors).toBe(before);
    p.toArray();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("layout switches inside scopes neither leak nor free the weight", () => {
    T.manual_seed(4);
    const fc = new nn.Linear(8, 8);
    const conv = new nn.Conv2d(2, 2, 3);
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) {
      tf.engine().startScope();
      fc(T.randn(2, 8));
      conv(T.randn(1, 2, 4, 4));
      tf.engine().endScope();
      fc.weight.toArray();
      conv.weight.toArray();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(fc.weight.shape).toEqual([8, 8]);
  });

  it("creating a layer allocates exactly its parameters (the init tensor is not kept as well)", () => {
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const fc = new nn.Linear(16, 8);
    expect(tf.memory().numTensors - before).toBe(2);
    expect(tf.memory().numBytes - bytes).toBe((16 * 8 + 8) * 4);
    expect(fc.num_parameters()).toBe(136);
  });
});
