/**
 * What the slicing goldens cannot show: PyTorch's errors (and messages naming the bad part of a
 * string index), that the string and structured forms agree, that writing leaves the input as it
 * was, and what indexing traces to (one slice op; a bool mask is a graph break).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";
import * as tf from "@tensorflow/tfjs-core";
import { runPasses } from "../../graph/passes";
import { compilePlan } from "../../graph/plan";
import { trace } from "../../graph/tracer";
import { parseIndex } from "./index-spec";
import { errorOf } from "../../test/error-of";

beforeAll(async () => {
  await setBackend("wasm");
});


const long = (values: number[]) => T.tensor(values, { dtype: "int64" });

class Body extends T.nn.Module {
  constructor(private readonly body: (x: T.Tensor) => T.Tensor) {
    super();
  }
  override forward(x: T.Tensor): T.Tensor {
    return this.body(x);
  }
}

describe("x.idx errors, with PyTorch's messages", () => {
  let x: T.Tensor;
  beforeAll(() => {
    x = T.arange(24).reshape([2, 3, 4]);
  });
  it.each([
    ["2", "index 2 is out of bounds for dimension 0 with size 2"],
    [":, -4", "index -4 is out of bounds for dimension 1 with size 3"],
    ["::-1", "step must be greater than zero"],
    ["::0", "slice step cannot be zero"],
    ["0, 0, 0, 0", "too many indices for tensor of dimension 3"],
    ["..., 0, ...", "an index can only have a single ellipsis ('...')"],
  ])("x.idx(%j)", (spec, message) => {
    expect(errorOf(() => x.idx(spec)).message).toContain(message);
  });

  it("names the part of a string it cannot read", () => {
    expect(errorOf(() => x.idx("..., :2x")).message).toContain('cannot read ":2x" in "..., :2x": "2x" is not an integer');
    expect(errorOf(() => x.idx("0, idx")).message).toContain('cannot read "idx" in "0, idx"');
    expect(errorOf(() => x.idx("1:2:3:4")).message).toContain("at most two colons");
  });

  it("checks index tensors: dtype, range per dim, mask shape", () => {
    expect(errorOf(() => x.idx(T.tensor([0.5]))).message).toContain("tensors used as indices must be long, byte or bool tensors");
    expect(errorOf(() => x.idx(":", long([0, 3]))).message).toContain("index 3 is out of bounds for dimension 1 with size 3");
    // A second index out of its own dim's range fails even where the flat offset would exist.
    expect(errorOf(() => x.idx(long([0]), long([5]))).message).toContain("index 5 is out of bounds for dimension 1 with size 3");
    expect(errorOf(() => x.idx(T.ones(3).bool())).message).toContain("The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3, 4] at index 0");
  });

  it("index_put wants a value that broadcasts to the indexed shape", () => {
    expect(errorOf(() => x.index_put(":, 0", T.ones(3))).message).toContain("shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]");
  });
});

describe("x.idx forms", () => {
  let x: T.Tensor;
  beforeAll(() => {
    x = T.arange(60).reshape([3, 4, 5]);
  });
  it("a string and the structured items read the same elements", () => {
    expect(x.idx("1:-1:2, None, ..., -1").tolist()).toEqual(x.idx(T.slice(1, -1, 2), null, T.ellipsis, -1).tolist());
    expect(x.idx(":2").tolist()).toEqual(x.idx(T.slice(2)).tolist());
    expect(x.idx("0,").shape).toEqual([4, 5]);
    expect(x.idx("").shape).toEqual([3, 4, 5]);
  });

  it("parses each distinct string once", () => {
    expect(parseIndex("..., 1:3")).toBe(parseIndex("..., 1:3"));
  });

  it("index_put returns a new tensor and leaves x as it was; index_put_ is the same", () => {
    const before = x.tolist();
    const y = x.index_put_(":, 0", 0);
    expect(x.tolist()).toEqual(before);
    expect(y.idx(":, 0").sum().item()).toBe(0);
    expect(y.idx(":, 1:").tolist()).toEqual(x.idx(":, 1:").tolist());
  });

  it.each(["cpu", "wasm"] as const)("writing leaves the input as it was on %s (tfjs-cpu's scatter writes in place)", async (backend) => {
    await setBackend(backend);
    try {
      const z = T.arange(6);
      const written = z.index_put(long([0, 2]), 9);
      expect(z.tolist()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(written.tolist()).toEqual([9, 1, 9, 3, 4, 5]);
    } finally {
      await setBackend("wasm");
    }
  });
});

describe("tracing", () => {
  it("basic indexing is one slice op (and a reshape when dims drop or appear)", () => {
    const { graph } = trace(new Body((x) => x.idx("..., 1:-1:2")), [T.randn(3, 4, 6)], ["x"]);
    expect(graph.nodes.filter((n) => n.kind === "call").map((n) => n.op)).toEqual(["slice"]);
    graph.dispose();
    const dropped = trace(new Body((x) => x.idx("None, :, 0")), [T.randn(3, 4)], ["x"]);
    expect(dropped.graph.nodes.filter((n) => n.kind === "call").map((n) => n.op)).toEqual(["slice", "reshape"]);
    dropped.graph.dispose();
  });

  it("x[idx] = t is one index_put op (ScatterND), checked against each dim's size", () => {
    const { graph } = trace(new Body((x) => x.index_put([long([2, 0])], T.ones(2, 3))), [T.randn(4, 3)], ["x"]);
    const ops = graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(ops.filter((o) => o === "index_put")).toHaveLength(1);
    expect(ops).not.toContain("scatter");
    graph.dispose();
    expect(errorOf(() => T.zeros(4, 3).index_put([long([0]), long([3])], 1)).message).toContain("index 3 is out of bounds for dimension 1 with size 3");
  });

  it("a bool mask is a graph break whose reason says why", () => {
    const result = trace(new Body((x) => x.idx(x.gt(0))), [T.randn(3, 4)], ["x"]);
    expect(result.breaks).toHaveLength(1);
    expect(result.breaks[0]?.reason).toContain("x.idx(mask) with a bool mask: the result's shape depends on the mask's values");
    result.graph.dispose();
  });

  it("a compiled plan of reads and writes gives eager's values on new inputs, and frees its intermediates", () => {
    const rows = long([2, 0, -1]);
    const body = (x: T.Tensor) => x.idx("1:, ::2").index_put([rows, T.slice(1, 3)], x.idx(rows, ":2").mul(10)).idx("None, ..., 1:");
    const traced = trace(new Body(body), [T.randn(5, 7)], ["x"]);
    expect(traced.breaks).toEqual([]);
    runPasses(traced.graph);
    const plan = compilePlan(traced.graph);
    const fresh = T.randn(5, 7);
    const expected = Array.from(body(fresh).raw.dataSync());
    const before = tf.memory().numTensors;
    const [out] = plan.run([fresh.raw]);
    expect(out?.shape).toEqual([1, 4, 3]);
    expect(Array.from(out?.dataSync() ?? [])).toEqual(expected);
    out?.dispose();
    expect(tf.memory().numTensors).toBe(before);
    plan.dispose();
    traced.graph.dispose();
  });
});
