/**
 * What the indexing goldens cannot show: PyTorch's errors (out-of-range and negative indices,
 * bad masks and shapes), new tensor objects from clone/detach, and how the composites trace
 * (einsum's matmuls, the passes dropping clone and detach, FLOPs).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { countFlops } from "../../bench/flops";
import { setBackend } from "../../eager/backend";
import { runPasses } from "../../graph/passes";
import { trace } from "../../graph/tracer";
import { errorOf } from "../../test/error-of";

beforeAll(async () => {
  await setBackend("wasm");
});


const long = (values: number[] | number[][]) => T.tensor(values, { dtype: "int64" });

class Body extends T.nn.Module {
  constructor(private readonly body: (x: T.Tensor) => T.Tensor) {
    super();
  }
  override forward(x: T.Tensor): T.Tensor {
    return this.body(x);
  }
}
const opsOf = (body: (x: T.Tensor) => T.Tensor, x: T.Tensor, passes = false): string[] => {
  const { graph } = trace(new Body(body), [x], ["x"]);
  if (passes) runPasses(graph);
  const ops = graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
  graph.dispose();
  return ops;
};

describe("index values", () => {
  let x: T.Tensor;
  beforeAll(() => {
    x = T.randn(3, 4);
  });

  it("negative and too-large indices fail as in PyTorch, naming the dim and its size", () => {
    for (const [name, f] of [
      ["gather", () => x.gather(1, long([[0, -1]]))],
      ["scatter", () => x.scatter(1, long([[0, -1]]), 1)],
      ["scatter_add", () => x.scatter_add(1, long([[4, 0]]), T.ones(1, 2))],
      ["index_select", () => x.index_select(1, long([0, 4]))],
      ["take_along_dim", () => x.take_along_dim(long([[0, -1]]), 1)],
    ] as const) {
      const e = errorOf(f);
      expect(e.name, name).toBe("ShapeError");
      expect(e.message, name).toMatch(/index (-1|4) is out of bounds for dimension 1 with size 4/);
    }
  });

  it("indices must be int64 (Tandem's int32) and of the input's rank", () => {
    expect(errorOf(() => x.gather(1, T.tensor([[0, 1]]))).message).toContain("Expected dtype int64 for index, got float32");
    expect(errorOf(() => x.gather(1, long([0, 1]))).message).toContain("same number of dimensions");
    expect(errorOf(() => x.index_select(0, long([[0]]))).message).toContain("Index is supposed to be a vector");
    expect(errorOf(() => x.scatter(1, long([[0, 0]]), T.ones(1, 1))).message).toContain("to be smaller size than src [1, 1]");
  });

  it("scatter_add adds repeated indices up, and counts one FLOP per added element", () => {
    const out = T.zeros(1, 3).scatter_add(1, long([[2, 2, 0, 2]]), T.ones(1, 4));
    expect(out.tolist()).toEqual([[1, 0, 3]]);
    const { graph } = trace(new Body((z) => z.scatter_add(1, long([[2, 2, 0, 2]]), T.ones(1, 4))), [T.zeros(1, 3)], ["x"]);
    expect(countFlops(graph).total).toBe(4);
    graph.dispose();
  });
});

describe("masking", () => {
  it("masked_fill takes -Infinity and a 0-d tensor, and wants a bool mask", () => {
    const att = T.zeros(2, 2).masked_fill(T.tril(T.ones(2, 2)).eq(0), -Infinity);
    expect(att.tolist()).toEqual([[0, -Infinity], [0, 0]]);
    expect(T.zeros(2).masked_fill(T.tensor([true, false]), T.tensor(3)).tolist()).toEqual([3, 0]);
    expect(errorOf(() => T.zeros(2).masked_fill(T.ones(2), 1)).message).toContain("only supports boolean masks");
  });

  it("tril and triu zero -inf and NaN outside the band (a select, not a multiply)", () => {
    const x = T.full([2, 2], -Infinity);
    expect(x.triu(1).tolist()).toEqual([[0, -Infinity], [0, 0]]);
    expect(T.full([2, 2], Number.NaN).tril().toArray()).toEqual([[Number.NaN, 0], [Number.NaN, Number.NaN]]);
    expect(errorOf(() => T.ones(3).tril()).message).toContain("at least 2 dimensions");
  });

  it("x.where(cond, other) takes a number for other", () => {
    expect(T.tensor([1, 2]).where(T.tensor([true, false]), 0).tolist()).toEqual([1, 0]);
  });
});

describe("rearranging", () => {
  it("clone and detach return new tensors, which the passes drop from the graph", () => {
    const x = T.randn(2, 3);
    for (const y of [x.clone(), x.detach(), T.clone(x), T.detach(x)]) {
      expect(y).not.toBe(x);
      expect(y.tolist()).toEqual(x.tolist());
    }
    const body = (z: T.Tensor) => z.clone().detach().relu();
    expect(opsOf(body, x)).toEqual(["clone", "detach", "relu"]);
    expect(opsOf(body, x, true)).toEqual(["relu"]);
  });

  it("shape errors read as PyTorch's", () => {
    const x = T.randn(2, 3);
    expect(errorOf(() => x.repeat(2)).message).toContain("can not be smaller than number of dimensions");
    expect(errorOf(() => x.roll([1, 2], 0)).message).toContain("shifts and dimensions must align");
    expect(errorOf(() => x.unflatten(1, [2, 2])).message).toContain("don't multiply up to the size of dim 1 (3)");
    expect(errorOf(() => x.movedim([0, 1], 0)).message).toContain("same number of dims");
    expect(errorOf(() => x.flip(0, 2)).message).toContain("dimension out of range");
  });
});

describe("products", () => {
  it("einsum reduces to matmul and permutes, a diagonal to index_select", () => {
    const q = T.randn(1, 2, 3, 4);
    const k = T.randn(1, 2, 5, 4);
    expect(opsOf((z) => T.einsum("bhqd,bhkd->bhqk", z, k), q)).toEqual(["permute", "matmul"]);
    // Operands made outside the traced function: randn inside it would be traced as a random op.
    const w = T.randn(4, 2);
    const v = T.randn(2);
    expect(opsOf((z) => T.einsum("ij,jk->ik", z, w), T.randn(3, 4))).toEqual(["matmul"]);
    expect(opsOf((z) => T.einsum("ii->i", z), T.randn(3, 3))).toEqual(["reshape", "index_select"]);
    expect(opsOf((z) => T.einsum("i,j", z, v), T.randn(3))).toEqual(["reshape", "mul"]);
  });

  it("einsum and the matrix products check their arguments", () => {
    expect(errorOf(() => T.einsum("ij,jk->ik", T.randn(2, 3))).message).toContain("2 operand subscript(s)");
    expect(errorOf(() => T.einsum("ijk->i", T.randn(2, 3))).message).toContain("does not match the number of dimensions (2)");
    expect(errorOf(() => T.einsum("ij->k", T.randn(2, 3))).message).toContain("output subscript k does not appear");
    expect(errorOf(() => T.einsum("ij,jk->ik", T.randn(2, 3), T.randn(4, 2))).message).toContain("subscript j has size 3");
    expect(errorOf(() => T.bmm(T.randn(3, 4), T.randn(2, 4, 5))).message).toContain("batch1 must be a 3D tensor");
    expect(errorOf(() => T.bmm(T.randn(2, 3, 4), T.randn(3, 4, 5))).message).toContain("to be: [2, 4] but got: [3, 4]");
    expect(errorOf(() => T.outer(T.randn(2, 2), T.randn(2))).message).toContain("Expected 1-D argument self");
  });
});
