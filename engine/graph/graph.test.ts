/**
 * Tracing the example models, optimizing them and running the compiled plan: the plan must give
 * what eager mode gives, the passes must do what their reports say, and nothing may leak.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import type { Graph } from "./ir";
import { runPasses } from "./passes";
import { compilePlan } from "./plan";
import { graphToJSON, printGraph } from "./print";
import { type TraceResult, trace } from "./tracer";
import { GraphJSON } from "../../shared/graph";

const { nn, F } = T;
type Specs = Record<string, readonly number[] | { shape: number[]; high: number }>;

async function example(name: string): Promise<{ model: T.nn.Module; args: T.Tensor[]; names: string[] }> {
  const mod = (await import(`../../assets/examples/${name}.ts`)) as { default: new () => T.nn.Module; inputs: Specs };
  T.manual_seed(0);
  const model = new mod.default();
  model.eval();
  const args = Object.values(mod.inputs).map((s) => ("shape" in s ? T.randint(0, s.high, s.shape) : T.randn([...s])));
  return { model, args, names: Object.keys(mod.inputs) };
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/** Every pass must leave a graph that passes lint(). */
const lintEach = (_: unknown, g: Graph) => g.lint();

const ops = (g: Graph) => g.nodes.filter((n) => n.kind === "call").map((n) => n.op);

beforeAll(async () => {
  await setBackend("wasm");
});

describe("trace + passes + compiled plan on the examples", () => {
  it.each(["mlp", "resnet_cnn", "transformer_block", "module_list"])("%s: the plan matches eager", async (name) => {
    const { model, args, names } = await example(name);
    const traced = trace(model, args, names);
    expect(traced.breaks).toEqual([]);
    const callsBefore = traced.graph.callCount();
    runPasses(traced.graph, undefined, lintEach);
    expect(traced.graph.callCount()).toBeLessThanOrEqual(callsBefore);
    const plan = compilePlan(traced.graph);
    const before = tf.memory().numTensors;
    const [out] = plan.run(args.map((a) => a.raw));
    const [, expected] = traced.eagerOutputs[0] as [string, T.Tensor];
    expect(out?.shape).toEqual(expected.shape);
    // BatchNorm folding reorders float32 arithmetic; everything else is the same kernels.
    expect(maxDiff(out as tf.Tensor, expected.raw)).toBeLessThan(1e-5);
    out?.dispose();
    expect(tf.memory().numTensors).toBe(before); // the plan frees every intermediate
    plan.dispose();
    traced.graph.dispose();
  });

  it("the ResNet's BatchNorms fold into its convolutions and its ReLUs fuse", async () => {
    const { model, args, names } = await example("resnet_cnn");
    const { graph } = trace(model, args, names);
    const bns = ops(graph).filter((o) => o === "batch_norm").length;
    expect(bns).toBeGreaterThan(0);
    const reports = runPasses(graph, undefined, lintEach);
    expect(ops(graph)).not.toContain("batch_norm");
    expect(reports.find((r) => r.pass === "fold-batchnorm")?.changes).toHaveLength(bns);
    expect(graph.nodes.filter((n) => n.op === "conv2d" && n.attrs.activation === "relu").length).toBeGreaterThan(0);
    graph.dispose();
  });
});

describe("tracing", () => {
  class Block extends nn.Module {
    fc = new nn.Linear(4, 4);
    override forward(x: T.Tensor): T.Tensor {
      return F.relu(this.fc(x));
    }
  }
  class Net extends nn.Module {
    blocks = new nn.ModuleList([new Block(), new Block()]);
    override forward(x: T.Tensor): T.Tensor {
      for (const b of this.blocks) x = b(x);
      return x.shape[0] === 2 ? x.sum(-1) : x; // shape-dependent: fine
    }
  }

  it("unrolls ModuleList loops, resolves shape branches, and names modules and parameters by path", () => {
    T.manual_seed(1);
    const { graph, breaks } = trace(new Net(), [T.randn(2, 4)], ["x"]);
    expect(breaks).toEqual([]);
    expect(ops(graph)).toEqual(["linear", "relu", "linear", "relu", "sum"]);
    expect(graph.nodes.filter((n) => n.kind === "parameter").map((n) => n.name)).toEqual([
      "blocks.0.fc.weight",
      "blocks.0.fc.bias",
      "blocks.1.fc.weight",
      "blocks.1.fc.bias",
    ]);
    expect(graph.nodes.filter((n) => n.op === "linear").map((n) => n.module)).toEqual(["blocks.0.fc", "blocks.1.fc"]);
    expect(graph.nodes.filter((n) => n.op === "relu").map((n) => n.module)).toEqual(["blocks.0", "blocks.1"]);
    graph.dispose();
  });

  it("reports each read of a value as a graph break, with ops per graph", () => {
    class Gated extends nn.Module {
      fc = new nn.Linear(4, 4);
      override forward(x: T.Tensor): T.Tensor {
        const h = this.fc(x);
        if (h.mean().item() > 0) return h.relu(); // break 1
        return Number(h.sum()) > 1 ? h : h.neg(); // break 2 (toPrimitive)
      }
    }
    T.manual_seed(2);
    const r: TraceResult = trace(new Gated(), [T.randn(2, 4)], ["x"]);
    expect(r.breaks.map((b) => b.how)).toEqual(r.breaks.length === 1 ? ["item"] : ["item", "toPrimitive"]);
    expect(r.breaks[0]?.reason).toContain("item()");
    expect(r.breaks[0]?.tensor).toBe("mean");
    expect(r.opsPerGraph).toHaveLength(r.breaks.length + 1);
    expect(r.opsPerGraph.reduce((a, b) => a + b, 0)).toBe(r.graph.callCount());
    r.graph.dispose();
  });

  it("prints tensors symbolically while tracing, and by value afterwards", () => {
    const seen: string[] = [];
    class Loud extends nn.Module {
      fc = new nn.Linear(3, 2);
      override forward(x: T.Tensor): T.Tensor {
        const y = this.fc(x);
        seen.push(String(y));
        return y;
      }
    }
    const m = new Loud();
    const r = trace(m, [T.ones(1, 3)], ["x"]);
    expect(seen[0]).toMatch(/^Tensor\(f32\[1,2\], from linear \(linear in fc\)\) \[symbolic while tracing/);
    m(T.ones(1, 3));
    expect(seen[1]).toMatch(/^tensor\(\[\[/);
    r.graph.dispose();
  });

  it("prints a readable table and a JSON form that matches the shared schema", () => {
    const r = trace(new Net(), [T.randn(2, 4)], ["x"]);
    const table = printGraph(r.graph);
    expect(table.split("\n")[0]).toMatch(/^opcode\s+name\s+target\s+args\s+type\s+module/);
    expect(table).toContain("blocks.1.fc.weight");
    expect(GraphJSON.safeParse(graphToJSON(r.graph)).success).toBe(true);
    r.graph.dispose();
  });
});

describe("passes", () => {
  it("dce drops unused ops, cse merges repeats, remove-noops drops identity reshapes", () => {
    class Messy extends nn.Module {
      override forward(x: T.Tensor): T.Tensor {
        x.exp(); // unused
        const a = x.mul(2);
        const b = x.mul(2); // repeat
        return a.add(b).reshape(2, 3).transpose(0, 0);
      }
    }
    const { graph } = trace(new Messy(), [T.randn(2, 3)], ["x"]);
    expect(ops(graph)).toEqual(["exp", "mul", "mul", "add", "reshape", "transpose"]);
    const reports = runPasses(graph, ["dce", "cse", "remove-noops", "dce"], lintEach);
    expect(ops(graph)).toEqual(["mul", "add"]);
    expect(reports.map((r) => r.changes.map((c) => c.kind))).toEqual([["removed"], ["merged"], ["removed", "removed"], []]);
    expect(reports[0]?.changes[0]).toEqual({ kind: "removed", nodes: ["exp"], into: null, message: "removed exp (exp): its result is never used" });
    expect(reports[1]?.changes[0]).toEqual({ kind: "merged", nodes: ["mul_1"], into: "mul", message: "merged mul_1 into mul: same mul on the same inputs" });
    expect(reports[2]?.changes.map((c) => c.message)).toEqual(["removed reshape: reshape to the same shape [2,3]", "removed transpose: transpose that keeps every dim in place"]);
    graph.dispose();
  });

  it("fold-constants computes ops on weights once; fuse-matmul-bias makes a linear", () => {
    class Manual extends nn.Module {
      w = new nn.Parameter(T.randn(4, 3));
      b = new nn.Parameter(T.randn(3));
      override forward(x: T.Tensor): T.Tensor {
        return x.matmul(this.w.mul(0.5)).add(this.b);
      }
    }
    const m = new Manual();
    const x = T.randn(2, 4);
    const r = trace(m, [x], ["x"]);
    const reports = runPasses(r.graph, undefined, lintEach);
    expect(ops(r.graph)).toEqual(["linear"]);
    const fused = reports.find((p) => p.pass === "fuse-matmul-bias")?.changes[0];
    expect(fused).toMatchObject({ kind: "fused", nodes: ["matmul", "add"], into: "linear" });
    const folded = reports.find((p) => p.pass === "fold-constants")?.changes[0];
    expect(folded).toMatchObject({ kind: "folded", nodes: ["mul"], into: "mul_folded" });
    const plan = compilePlan(r.graph);
    const [out] = plan.run([x.raw]);
    expect(maxDiff(out as tf.Tensor, (r.eagerOutputs[0] as [string, T.Tensor])[1].raw)).toBeLessThan(1e-6);
    out?.dispose();
    plan.dispose();
    r.graph.dispose();
  });
});
