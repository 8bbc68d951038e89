/** The IR's bookkeeping: the users index follows every edit, and lint() catches broken graphs. */
import { describe, expect, it } from "vitest";
import "../api";
import { Graph, type Node, type TensorType } from "./ir";

const f32 = (...shape: number[]): TensorType[] => [{ shape, dtype: "float32" }];

/** x -> relu -> neg -> output, with relu read by neg and by the output. */
function small(): { g: Graph; x: Node; relu: Node; neg: Node; out: Node } {
  const g = new Graph();
  const x = g.add({ kind: "input", op: "input", name: "x", types: f32(2) });
  const relu = g.add({ kind: "call", op: "relu", name: "relu", inputs: [{ node: x, index: 0 }], types: f32(2) });
  const neg = g.add({ kind: "call", op: "neg", name: "neg", inputs: [{ node: relu, index: 0 }], types: f32(2) });
  const out = g.add({ kind: "output", op: "output", name: "output", inputs: [{ node: neg, index: 0 }, { node: relu, index: 0 }], types: f32(2, 2) });
  return { g, x, relu, neg, out };
}

const names = (nodes: Node[]) => nodes.map((n) => n.name).sort();

describe("Graph users index", () => {
  it("follows add, setInputs, replaceAllUsesWith and remove", () => {
    const { g, x, relu, neg, out } = small();
    expect(names(g.users(relu))).toEqual(["neg", "output"]);
    expect(names(g.users(x))).toEqual(["relu"]);
    g.replaceAllUsesWith({ node: relu, index: 0 }, { node: x, index: 0 });
    expect(g.users(relu)).toEqual([]);
    expect(names(g.users(x))).toEqual(["neg", "output", "relu"]);
    g.remove(relu);
    g.setInputs(out, [{ node: neg, index: 0 }]);
    expect(names(g.users(x))).toEqual(["neg"]);
    g.replaceInput(neg, 0, null);
    expect(g.users(x)).toEqual([]);
    expect(g.hasUsers(neg)).toBe(true);
  });

  it("counts a node read twice by the same user as one user until both reads go", () => {
    const { g, x } = small();
    const add = g.add({ kind: "call", op: "add", name: "add", inputs: [{ node: x, index: 0 }, { node: x, index: 0 }], types: f32(2) }, g.outputNode);
    g.replaceInput(add, 0, null);
    expect(g.users(x)).toContain(add);
    g.replaceInput(add, 1, null);
    expect(g.users(x)).not.toContain(add);
  });

  it("refuses to remove a node that is still read", () => {
    const { g, relu } = small();
    expect(() => g.remove(relu)).toThrow(/cannot remove relu: .*still read it/);
  });
});

describe("Graph names", () => {
  it("are the lowest free: base, base_1, ...; a removed name is given out again", () => {
    const { g, x } = small();
    const add = (name: string) => g.add({ kind: "call", op: "neg", name, inputs: [{ node: x, index: 0 }], types: f32(2) }, g.outputNode);
    const names = [add("neg"), add("neg"), add("neg")].map((n) => n.name);
    expect(names).toEqual(["neg_1", "neg_2", "neg_3"]);
    g.remove(g.nodes.find((n) => n.name === "neg_1") as Node);
    expect(add("neg").name).toBe("neg_1");
    expect(add("neg").name).toBe("neg_4");
    expect(add("a-b c").name).toBe("a_b_c");
  });
});

describe("Graph.lint", () => {
  it("passes a well-formed graph", () => {
    expect(() => small().g.lint()).not.toThrow();
  });

  it("catches nodes out of topological order", () => {
    const { g, neg } = small();
    g.nodes = [...g.nodes.filter((n) => n !== neg), neg];
    expect(() => g.lint()).toThrow(/before it is computed/);
  });

  it("catches an input from another graph and a missing output index", () => {
    const other = small();
    const { g, out } = small();
    g.setInputs(out, [{ node: other.neg, index: 0 }]);
    expect(() => g.lint()).toThrow(/not in the graph/);
    g.setInputs(out, [{ node: g.nodes[1] as Node, index: 3 }]);
    expect(() => g.lint()).toThrow(/reads output 3 of relu, which has 1/);
  });

  it("catches an index made stale by editing inputs behind the graph's back", () => {
    const { g, x, out } = small();
    (out as { inputs: unknown }).inputs = [{ node: x, index: 0 }];
    expect(() => g.lint()).toThrow(/users index of .* is stale/);
  });

  it("catches duplicate names, a missing output node and unknown ops", () => {
    const a = small();
    a.neg.name = "relu";
    expect(() => a.g.lint()).toThrow(/two nodes are named relu/);
    const b = small();
    b.g.setInputs(b.out, []);
    b.g.remove(b.out);
    expect(() => b.g.lint()).toThrow(/0 output nodes/);
    const c = small();
    c.neg.op = "no_such_op";
    expect(() => c.g.lint()).toThrow(/"no_such_op", which is not a registered op/);
  });
});
