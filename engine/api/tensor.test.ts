/** Tensor semantics the goldens cannot see: metadata, conversions, printing, dtypes, error messages. */
import * as tf from "@tensorflow/tfjs-core";
import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from ".";
import { setBackend } from "../eager/backend";
import { errorOf } from "../test/error-of";

beforeAll(async () => {
  await setBackend("wasm");
});


describe("metadata", () => {
  it("shape, dtype, dim, ndim, size, numel", () => {
    const x = T.zeros(2, 3, 4);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.dtype).toBe("float32");
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(0)).toBe(2);
    expect(x.size(-1)).toBe(4);
    expect(x.size(-3)).toBe(2);
    expect(x.numel()).toBe(24);
  });

  it("size() returns a copy that does not alias the shape", () => {
    const x = T.zeros(2, 3);
    const s = x.size();
    s[0] = 99;
    expect(x.shape).toEqual([2, 3]);
  });

  it("shape returns a copy: changing it changes neither the tensor nor what ops see", () => {
    const y = T.ones(2, 3);
    const s = y.shape;
    s[1] = 99;
    s.push(7);
    expect(y.shape).toEqual([2, 3]);
    expect(y.size()).toEqual([2, 3]);
    expect(y.numel()).toBe(6);
    expect(y.add(1).shape).toEqual([2, 3]);
    expect(y.sum(1).toArray()).toEqual([3, 3]);
  });

  it("a parameter's shape is a copy too, in PyTorch's layout whatever layout it is stored in", () => {
    const linear = new T.nn.Linear(3, 2);
    const s = linear.weight.shape;
    s[0] = 99;
    expect(linear.weight.shape).toEqual([2, 3]);
    expect(linear.forward(T.ones(4, 3)).shape).toEqual([4, 2]); // stores the weight as [in, out]
    expect(linear.weight.shape).toEqual([2, 3]);
  });

  it("size(dim) out of range throws 'dimension out of range'", () => {
    const x = T.zeros(2, 3);
    expect(() => x.size(2)).toThrow(/dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
    expect(() => x.size(-3)).toThrow(/dimension out of range/);
  });

  it("size(0) of a 0-d tensor throws instead of returning undefined", () => {
    // PyTorch: IndexError "dimension specified as 0 but tensor has no dimensions".
    const s = T.tensor(3);
    expect(s.shape).toEqual([]);
    expect(() => s.size(0)).toThrow();
    expect(() => s.size(-1)).toThrow();
  });

  it("0-d tensors: shape [], one element", () => {
    const s = T.tensor(2.5);
    expect(s.dim()).toBe(0);
    expect(s.numel()).toBe(1);
    expect(s.item()).toBe(2.5);
  });
});

describe("values", () => {
  it("item() on one element, of any rank", () => {
    expect(T.tensor([[4]]).item()).toBe(4);
    expect(T.tensor([true]).item()).toBe(1);
    expect(T.tensor([7], { dtype: "int32" }).item()).toBe(7);
  });

  it("item() on many elements throws a ShapeError naming the count", () => {
    const error = errorOf(() => T.zeros(2, 3).item());
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.message).toBe("item: [2,3]: a Tensor with 6 elements cannot be converted to a number");
  });

  it("toArray() / tolist() give nested arrays", () => {
    const x = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(x.tolist()).toEqual(x.toArray());
    expect(T.zeros(2, 1, 2).toArray()).toEqual([[[0, 0]], [[0, 0]]]);
    expect(T.tensor(5).toArray()).toBe(5);
  });

  it("Symbol.toPrimitive: comparisons, unary plus and arithmetic on one-element tensors", () => {
    // TypeScript rejects `tensor > 0` at compile time (model files are bundled without a type check),
    // so the comparisons go through an unchecked view; at run time this is exactly `x.sum() > 0`.
    const asNumber = (t: T.Tensor): number => t as unknown as number;
    const x = T.tensor([1, -2, 4]);
    let branch = "none";
    if (asNumber(x.sum()) > 0) branch = "positive";
    expect(branch).toBe("positive");
    if (asNumber(x.min()) < -1) branch = "below";
    expect(branch).toBe("below");
    if (asNumber(x.sum()) > 100) branch = "huge";
    expect(branch).toBe("below");
    expect(+T.tensor([2.5])).toBe(2.5);
    expect(+T.tensor(7, { dtype: "int32" })).toBe(7);
    expect(+T.tensor([[true]])).toBe(1);
    expect(Number(x.max())).toBe(4);
    expect(+x.sum() * 2).toBe(6);
    expect(Math.max(asNumber(x.max()), 0)).toBe(4);
  });

  it("Symbol.toPrimitive throws a clear error for many elements", () => {
    const x = T.tensor([1, 2]);
    const error = errorOf(() => +x);
    expect(error).toBeInstanceOf(T.TandemError);
    expect(error.message).toContain("a tensor of shape [2] was used as a number");
    expect(error.message).toContain(".item()");
    expect(() => Number(x)).toThrow(/used as a number/);
  });

  it("a template string formats the tensor instead of reading a number", () => {
    expect(`${T.tensor([1, 2])}`).toBe("tensor([1.0000, 2.0000])");
  });
});

describe("printing", () => {
  it("String(t) looks like PyTorch's repr", () => {
    expect(String(T.tensor([1, 2]))).toBe("tensor([1.0000, 2.0000])");
    expect(String(T.tensor([[1, -2], [3, 4]]))).toBe("tensor([[1.0000, -2.0000],\n        [3.0000, 4.0000]])");
    expect(String(T.tensor(0.5))).toBe("tensor(0.5000)");
  });

  it("non-float dtypes get a dtype suffix", () => {
    expect(String(T.arange(3))).toBe("tensor([0, 1, 2], dtype=int32)");
  });

  it("bool tensors print True/False, as PyTorch does", () => {
    const text = String(T.tensor([true, false]));
    expect(text).toMatch(/^tensor\(\[ ?True, False\]/);
    expect(String(T.tensor([1, 2]).gt(1))).toMatch(/False, +True/);
  });

  it("util.inspect (console.log) uses the same text", () => {
    const x = T.tensor([[1, 2]]);
    expect(inspect(x)).toBe(String(x));
    expect(inspect({ out: T.arange(2) })).toContain("tensor([0, 1], dtype=int32)");
  });

  it("large tensors are elided with ... and show their shape", () => {
    const text = String(T.zeros(2000));
    expect(text).toMatch(/^tensor\(\[0\.0000, 0\.0000, 0\.0000, \.\.\., 0\.0000, 0\.0000, 0\.0000\], shape=\[2000\]\)$/);
  });

  it("small and large magnitudes switch to exponent notation; nan and inf print as in torch", () => {
    expect(String(T.tensor([1e-5]))).toContain("1.0000e-5");
    expect(String(T.tensor([Number.NaN, Infinity, -Infinity]))).toBe("tensor([nan, inf, -inf])");
  });
});

describe("shape ops", () => {
  it("x.T transposes a 2-D tensor", () => {
    const x = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.shape).toEqual([3, 2]);
    expect(x.T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it("max(dim) returns {values, indices}; max() returns a 0-d tensor", () => {
    const x = T.tensor([[1, 5, 2], [7, 0, 3]]);
    const r = x.max(1);
    expect(r.values.toArray()).toEqual([5, 7]);
    expect(r.indices.toArray()).toEqual([1, 0]);
    expect(r.indices.dtype).toBe("int32");
    const k = x.max(0, true);
    expect(k.values.shape).toEqual([1, 3]);
    expect(k.indices.shape).toEqual([1, 3]);
    const m = x.min(-1);
    expect(m.values.toArray()).toEqual([1, 0]);
    expect(m.indices.toArray()).toEqual([0, 1]);
    expect(x.max().shape).toEqual([]);
    expect(x.max().item()).toBe(7);
  });

  it("keepdim may be positional or a keyword object", () => {
    const x = T.ones(2, 3);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.sum(1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(x.mean([0, 1]).shape).toEqual([]);
  });

  it("view/reshape accept sizes or one array and infer -1", () => {
    const x = T.arange(12);
    expect(x.view(3, -1).shape).toEqual([3, 4]);
    expect(x.reshape([2, 2, -1]).shape).toEqual([2, 2, 3]);
  });
});

describe("dtypes", () => {
  const int = (values: number[]): T.Tensor => T.tensor(values, { dtype: "int32" });

  it("tensor() is float32 by default, bool for booleans; int64/long map to int32", () => {
    expect(T.tensor([1, 2]).dtype).toBe("float32");
    expect(T.tensor([true]).dtype).toBe("bool");
    expect(T.tensor([1, 2], { dtype: "int64" }).dtype).toBe("int32");
    expect(T.tensor([1, 2], { dtype: "long" }).dtype).toBe("int32");
    expect(T.tensor([1], { dtype: "float64" }).dtype).toBe("float32");
    expect(T.tensor(new Int32Array([1, 2])).dtype).toBe("int32");
  });

  it("an unknown dtype is a TypeError listing the choices", () => {
    expect(() => T.tensor([1], { dtype: "float16" as T.DTypeLike })).toThrow(/unknown dtype "float16"/);
  });

  it("arange: integers give int32, any fraction float32", () => {
    expect(T.arange(5).dtype).toBe("int32");
    expect(T.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(T.arange(2, 8, 3).toArray()).toEqual([2, 5]);
    const f = T.arange(0, 1, 0.25);
    expect(f.dtype).toBe("float32");
    expect(f.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(T.arange(3, { dtype: "float32" }).dtype).toBe("float32");
  });

  it("zeros/ones/full default to float32 and honour dtype", () => {
    expect(T.zeros(2).dtype).toBe("float32");
    expect(T.ones([2, 2], { dtype: "int64" }).dtype).toBe("int32");
    expect(T.full([2], true).dtype).toBe("bool");
    expect(T.zeros_like(T.arange(3)).dtype).toBe("int32");
  });

  it("int tensor + fractional number -> float32; + integer number stays int32", () => {
    const x = int([1, 2]);
    const f = x.add(0.5);
    expect(f.dtype).toBe("float32");
    expect(f.toArray()).toEqual([1.5, 2.5]);
    expect(x.add(2).dtype).toBe("int32");
    expect(x.mul(3).toArray()).toEqual([3, 6]);
  });

  it("int + int -> int32; int + float -> float32; bool + int -> int32", () => {
    expect(int([1]).add(int([2])).dtype).toBe("int32");
    expect(int([1]).add(T.tensor([0.5])).dtype).toBe("float32");
    expect(T.tensor([true]).add(int([2])).dtype).toBe("int32");
    expect(T.tensor([true]).add(1).dtype).toBe("int32");
  });

  it("int.div(int) is true division in float32", () => {
    const q = int([1, 7]).div(int([2, 2]));
    expect(q.dtype).toBe("float32");
    expect(q.toArray()).toEqual([0.5, 3.5]);
    expect(int([3]).div(2).toArray()).toEqual([1.5]);
  });

  it("comparisons return bool", () => {
    const x = T.tensor([1, 2, 3]);
    for (const r of [x.gt(1), x.lt(2), x.ge(T.tensor([3])), x.le(1), x.eq(2), x.ne(2), int([1]).gt(0.5)]) {
      expect(r.dtype).toBe("bool");
    }
    expect(x.gt(1).toArray()).toEqual([false, true, true]);
  });

  it("sum of bool counts as int32; mean is float32", () => {
    const mask = T.tensor([1, 5, 3]).gt(2);
    const s = mask.sum();
    expect(s.dtype).toBe("int32");
    expect(s.item()).toBe(2);
    expect(int([1, 2]).sum().dtype).toBe("int32");
    expect(int([1, 2]).mean().dtype).toBe("float32");
    expect(int([1, 2]).mean().item()).toBe(1.5);
  });

  it("unary float ops promote ints to float32; .long()/.float() convert", () => {
    expect(int([1]).exp().dtype).toBe("float32");
    expect(int([-1]).abs().dtype).toBe("int32");
    expect(T.tensor([1.7, -1.7]).long().toArray()).toEqual([1, -1]);
    expect(int([1]).float().dtype).toBe("float32");
  });
});

describe("error messages", () => {
  it("broadcast mismatch names both shapes in PyTorch's wording", () => {
    const error = errorOf(() => T.zeros(2, 3).add(T.zeros(4)));
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.name).toBe("ShapeError");
    expect(error.message).toContain("[2,3]");
    expect(error.message).toContain("[4]");
    expect(error.message).toContain("the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  });

  it("matmul mismatch reads `matmul: [8,784] x [1024,10]: ...`", () => {
    const error = errorOf(() => T.matmul(T.zeros(8, 784), T.zeros(1024, 10)));
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.message).toMatch(/^matmul: \[8,784\] x \[1024,10\]: /);
    expect(error.message).toContain("784");
    expect(error.message).toContain("1024");
    expect(() => T.zeros(8, 784).matmul(T.zeros(1024, 10))).toThrow(/^matmul: \[8,784\] x \[1024,10\]/);
  });

  it("reshape with a bad size says 'is invalid for input of size'", () => {
    const error = errorOf(() => T.zeros(2, 3).reshape(4, 2));
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.message).toBe("reshape: [2,3]: shape '[4,2]' is invalid for input of size 6");
    expect(() => T.zeros(2, 3).view(4, -1)).toThrow(/^view: \[2,3\]: .*is invalid for input of size 6/);
  });

  it("dim out of range says 'dimension out of range'", () => {
    for (const f of [() => T.zeros(2, 3).sum(2), () => T.zeros(2).softmax(-2), () => T.zeros(2, 3).transpose(0, 5), () => T.cat([T.zeros(2)], 1)]) {
      const error = errorOf(f);
      expect(error).toBeInstanceOf(T.ShapeError);
      expect(error.message).toContain("dimension out of range");
    }
  });

  it("F.linear in_features mismatch names both shapes", () => {
    const error = errorOf(() => T.F.linear(T.zeros(2, 3), T.zeros(4, 5)));
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.message).toMatch(/^linear: \[2,3\] x \[4,5\]: /);
    const layerError = errorOf(() => new T.nn.Linear(784, 10)(T.zeros(8, 1024)));
    expect(layerError.message).toMatch(/^linear: \[8,1024\] x \[10,784\]: /);
    expect(layerError.message).toContain("784");
  });

  it("cat mismatch and conv channel mismatch are ShapeErrors with both shapes", () => {
    const c = errorOf(() => T.cat([T.zeros(2, 3), T.zeros(2, 4)], 0));
    expect(c).toBeInstanceOf(T.ShapeError);
    expect(c.message).toMatch(/^cat: \[2,3\] x \[2,4\]: /);
    const conv = errorOf(() => new T.nn.Conv2d(3, 8, 3)(T.zeros(1, 4, 8, 8)));
    expect(conv).toBeInstanceOf(T.ShapeError);
    expect(conv.message).toContain("[1,4,8,8]");
    expect(conv.message).toContain("expected input [1,4,8,8] to have 3 channels, but got 4 channels instead");
  });

  it("ShapeError carries the op and shapes as fields", () => {
    const error = errorOf(() => T.zeros(2, 3).add(T.zeros(4)));
    if (!(error instanceof T.ShapeError)) throw new Error("not a ShapeError");
    expect(error.op).toBe("add");
    expect(error.shapes).toEqual([[2, 3], [4]]);
  });

  it("non-shape API misuse is a TandemError, not a ShapeError", () => {
    const e = errorOf(() => T.tensor([[1, 2], [3]]));
    expect(e).toBeInstanceOf(T.TandemError);
    expect(e).not.toBeInstanceOf(T.ShapeError);
    expect(e.message).toContain("ragged");
  });

  it("kernel errors from tfjs are wrapped as ShapeErrors with the Tandem op name", () => {
    // tfjs's own message text follows; the prefix is ours.
    const x = T.zeros(2, 2);
    const error = errorOf(() => x.permute(0, 0));
    expect(error).toBeInstanceOf(T.ShapeError);
    expect(error.message).toMatch(/^permute: \[2,2\]: /);
  });
});

describe("memory", () => {
  it("ops inside a scope leave numTensors unchanged", () => {
    const x = T.randn(4, 4);
    const ops = () => {
      tf.engine().startScope();
      x.matmul(x).relu().softmax(-1).sum(0).max(0);
      T.cat([x, x], 1).reshape(-1).gt(0).sum();
      tf.engine().endScope();
    };
    ops(); // the first call may create the scalars that numeric operands share (a bounded cache)
    const before = tf.memory().numTensors;
    ops();
    ops();
    expect(tf.memory().numTensors).toBe(before);
  });
});
