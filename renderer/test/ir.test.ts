import { describe, expect, it } from "vitest";
import type { GraphJSON } from "../../shared/graph";
import { compare, fromJson, fromTable, groupOf, markBreaks, moduleGroups, passEffects } from "../src/lib/ir";
import { layoutGraph } from "../src/lib/layout";

// The head of `tandem graph assets/examples/resnet_cnn.ts`'s traced IR table, as the engine prints it.
const TABLE = `opcode     name              target            args                                    type             module   source
---------  ----------------  ----------------  --------------------------------------  ---------------  -------  -------------------
input      x                 x                 ()                                      f32[4,3,32,32]
parameter  conv1.weight      conv1.weight      ()                                      f32[12,3,3,3]
call       conv2d            conv2d            (x, conv1.weight, None)                 f32[4,12,32,32]  conv1    resnet_cnn.ts:84:46
parameter  bn1.running_mean  bn1.running_mean  ()                                      f32[12]
parameter  bn1.bias          bn1.bias          ()                                      f32[12]
call       batch_norm        batch_norm        (conv2d, bn1.running_mean, bn1.runni…  f32[4,12,32,32]  bn1      resnet_cnn.ts:84:37
call       relu              relu              (batch_norm)                            f32[4,12,32,32]  relu     resnet_cnn.ts:84:27
output     output            output            (output=relu)                           f32[4,12,32,32]
`;

const loc = (line: number) => ({ file: "/work/resnet_cnn.ts", line, column: 1 });
const AFTER: GraphJSON = {
  nodes: [
    { name: "x", kind: "input", op: "input", inputs: [], attrs: {}, types: [{ shape: [4, 3, 32, 32], dtype: "float32" }], module: null, location: null },
    { name: "conv2d_bn_weight", kind: "constant", op: "constant", inputs: [], attrs: {}, types: [{ shape: [12, 3, 3, 3], dtype: "float32" }], module: "conv1", location: null },
    {
      name: "conv2d",
      kind: "call",
      op: "conv2d",
      inputs: [{ node: "x", index: 0 }, { node: "conv2d_bn_weight", index: 0 }, null],
      attrs: { activation: "relu", stride: [1, 1] },
      types: [{ shape: [4, 12, 32, 32], dtype: "float32" }],
      module: "layer1.conv1",
      location: loc(84),
    },
    { name: "output", kind: "output", op: "output", inputs: [{ node: "conv2d", index: 0 }], attrs: {}, types: [{ shape: [4, 12, 32, 32], dtype: "float32" }], module: null, location: null },
  ],
};

const PASSES = [
  { pass: "fold-batchnorm", nodesBefore: 8, nodesAfter: 8, changes: ["folded batch_norm (bn1) into conv2d: scaled its weights and bias"] },
  { pass: "fuse-activations", nodesBefore: 8, nodesAfter: 7, changes: ["fused relu (relu) into conv2d (conv2d)"] },
];

describe("the graph view's IR model", () => {
  it("reads the traced IR table: ops, types, modules, lines, and weights folded into their ops", () => {
    const nodes = fromTable(TABLE);
    expect(nodes.map((n) => n.name)).toEqual(["x", "conv2d", "batch_norm", "relu", "output"]);
    const conv = nodes[1];
    expect(conv).toMatchObject({ op: "conv2d", type: "f32[4,12,32,32]", module: "conv1", location: { file: "resnet_cnn.ts", line: 84, column: 46 }, inputs: ["x"] });
    expect(conv?.weights).toEqual([{ name: "conv1.weight", type: "f32[12,3,3,3]" }]);
    // The cut-short argument list still yields the edges it shows; the hidden weight is dropped, not left dangling.
    expect(nodes[2]?.inputs).toEqual(["conv2d"]);
    expect(nodes.find((n) => n.name === "bn1.bias")).toBeUndefined();
    expect(nodes[4]?.inputs).toEqual(["relu"]);
  });

  it("reads the engine's IR JSON, with fused activations as attributes", () => {
    const nodes = fromJson(AFTER);
    expect(nodes.map((n) => n.name)).toEqual(["x", "conv2d", "output"]);
    expect(nodes[1]?.attrs).toContain("+ relu");
    expect(nodes[1]?.weights[0]?.name).toBe("conv2d_bn_weight");
  });

  it("marks what the passes folded, fused and removed", () => {
    expect(passEffects(PASSES).get("relu")).toEqual({ how: "fused", into: "conv2d", pass: "fuse-activations" });
    const before = fromTable(TABLE);
    const after = fromJson(AFTER);
    compare(before, after, PASSES, []);
    expect(before.find((n) => n.name === "batch_norm")).toMatchObject({ status: "fused", note: "folded into conv2d by fold-batchnorm" });
    expect(before.find((n) => n.name === "relu")?.status).toBe("fused");
    expect(before.find((n) => n.name === "conv2d")?.status).toBe("kept");
    expect(after.find((n) => n.name === "conv2d")).toMatchObject({ status: "fused", note: "absorbed batch_norm, relu" });
  });

  it("reads the reports' structured effects when they carry them, over their lines", () => {
    const passes = [
      { pass: "fuse-matmul-bias", nodesBefore: 6, nodesAfter: 5, changes: ["fused matmul (matmul) and add (add) into linear (linear with bias)"], effects: [{ kind: "fused" as const, nodes: ["matmul", "add"], into: "linear" }] },
      { pass: "fold-constants", nodesBefore: 5, nodesAfter: 5, changes: ["folded mul (mul) into a constant: all its inputs are known before the graph runs"], effects: [{ kind: "folded" as const, nodes: ["mul"], into: "mul_folded" }] },
      { pass: "dce", nodesBefore: 5, nodesAfter: 4, changes: ["removed exp (exp): its result is never used"], effects: [{ kind: "removed" as const, nodes: ["exp"], into: null }] },
    ];
    const effects = passEffects(passes);
    // The lines alone would name only the matmul, and "a" as what mul was folded into.
    expect(effects.get("add")).toEqual({ how: "fused", into: "linear", pass: "fuse-matmul-bias" });
    expect(effects.get("matmul")).toEqual({ how: "fused", into: "linear", pass: "fuse-matmul-bias" });
    expect(effects.get("mul")).toEqual({ how: "folded", into: "mul_folded", pass: "fold-constants" });
    expect(effects.get("exp")).toEqual({ how: "removed", into: null, pass: "dce" });
  });

  it("groups by the outer module and lays groups out as boxes, or as one node when collapsed", () => {
    const nodes = fromJson(AFTER);
    const conv = nodes.find((n) => n.name === "conv2d");
    const groups = moduleGroups(nodes);
    expect([...groups]).toEqual(["layer1"]);
    expect(conv && groupOf(conv, groups)).toBe("layer1");
    expect(groupOf({ ...nodes[0], module: "layer1" } as (typeof nodes)[number], groups)).toBe("layer1");
    expect(groupOf({ ...nodes[0], module: "fc" } as (typeof nodes)[number], groups)).toBeNull();
    const open = layoutGraph(nodes, new Set());
    expect(open.nodes).toHaveLength(3);
    expect(open.clusters.map((c) => c.label)).toEqual(["layer1"]);
    expect(open.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(["conv2d>output", "x>conv2d"]);
    for (const n of open.nodes) expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
    const shut = layoutGraph(nodes, new Set(["layer1"]));
    expect(shut.nodes.map((n) => n.id).sort()).toEqual(["group:layer1", "output", "x"]);
    expect(shut.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(["group:layer1>output", "x>group:layer1"]);
  });
});

describe("graph breaks in the graph view", () => {
  const brk = { reason: "x.item() needs the tensor's value", how: "item", location: null, tensor: null, afterOps: 2 };
  it("sit on the tensor that was read, else on the op the trace had reached", () => {
    const traced = fromTable(TABLE);
    markBreaks(traced, [{ ...brk, tensor: "relu" }], true);
    expect(traced.find((n) => n.name === "relu")?.breaks).toHaveLength(1);
    const again = fromTable(TABLE);
    markBreaks(again, [brk], true);
    expect(again.filter((n) => n.breaks.length).map((n) => n.name)).toEqual(["batch_norm"]);
  });
});
