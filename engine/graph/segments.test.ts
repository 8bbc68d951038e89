/**
 * Graph breaks run the way torch.compile runs them: compiled segments with eager glue. The results
 * must equal eager ones whatever path the values take, and segments must be reused, not retraced.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import { printGraph } from "./print";
import { SegmentExecutor } from "./segments";

const { nn } = T;

class Gated extends nn.Module {
  fc = new nn.Linear(8, 8);
  bn = new nn.BatchNorm2d(1);
  override forward(x: T.Tensor): T.Tensor {
    const a = this.fc(x).mul(2);
    const b = a.add(1);
    // A graph break: the branch depends on a value.
    if (b.mean().item() > 0) return b.relu().mul(3);
    return a.mul(5); // `a` did not leave the first segment on the other path
  }
}

function eagerOf(m: T.nn.Module, x: T.Tensor): Float32Array {
  return (m as unknown as (x: T.Tensor) => T.Tensor)(x).raw.dataSync() as Float32Array;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

beforeAll(async () => {
  await setBackend("wasm");
});

describe("SegmentExecutor", () => {
  it("matches eager on both sides of a value-dependent branch, learning each path once", () => {
    T.manual_seed(3);
    const m = new Gated();
    m.eval();
    const executor = new SegmentExecutor(m);
    const positive = T.ones(2, 8).mul(4);
    const negative = T.ones(2, 8).mul(-4);
    // Make sure the two inputs really take different branches.
    const gate = (x: T.Tensor) => m.fc(x).mul(2).add(1).mean().item() > 0;
    expect(gate(positive)).not.toBe(gate(negative));

    const sequence = [positive, positive, negative, negative, positive];
    tf.engine().startScope();
    for (const x of sequence) {
      const [[name, out]] = executor.run([x]) as [[string, T.Tensor]];
      expect(name).toBe("output");
      expect(maxDiff(out.raw.dataSync() as Float32Array, eagerOf(m, x))).toBe(0);
    }
    tf.engine().endScope();
    // First call learns two segments; the first negative call learns a second tail; the rest reuse them.
    expect(executor.stats.templates).toBe(3);
    expect(executor.stats.planRuns).toBeGreaterThanOrEqual(5);
    expect(executor.stats.replays).toBeGreaterThanOrEqual(1); // `a` recomputed on the path that needed it
    executor.dispose();
  });

  it("records each segment as an IR graph that lints and prints like a traced one", () => {
    T.manual_seed(3);
    const m = new Gated();
    m.eval();
    const executor = new SegmentExecutor(m);
    const tables: string[] = [];
    executor.onLearn = (graph) => {
      graph.lint();
      tables.push(printGraph(graph));
    };
    tf.engine().startScope();
    executor.run([T.ones(2, 8).mul(4)]);
    tf.engine().endScope();
    expect(tables).toHaveLength(2);
    const calls = (table: string) => table.split("\n").filter((l) => l.startsWith("call")).map((l) => l.split(/\s+/)[2]);
    // Segment 1 runs up to the read of mean(); segment 2 is what forward does with the answer.
    expect(calls(tables[0] as string)).toEqual(["linear", "mul", "add", "mean"]);
    expect(tables[0]).toMatch(/^parameter\s+param1\s/m); // fc.weight, guarded as the same tensor
    expect(tables[0]).toMatch(/^input\s+ext0\s/m);
    expect(calls(tables[1] as string).length).toBeGreaterThan(0);
    executor.dispose();
  });

  it("keeps shapes known without running anything, so shape-dependent code does not break the graph", () => {
    class ShapeAware extends nn.Module {
      fc = new nn.Linear(4, 4);
      override forward(x: T.Tensor): T.Tensor {
        const h = this.fc(x);
        const s = h.shape[0] === 3 ? h.relu() : h.neg(); // shape, not value: no break
        return s.sum().item() > 1e9 ? s : s.mul(2); // value: one break
      }
    }
    T.manual_seed(4);
    const m = new ShapeAware();
    const executor = new SegmentExecutor(m);
    const x = T.randn(3, 4);
    tf.engine().startScope();
    executor.run([x]);
    const [[, out]] = executor.run([x]) as [[string, T.Tensor]];
    expect(maxDiff(out.raw.dataSync() as Float32Array, eagerOf(m, x))).toBe(0);
    tf.engine().endScope();
    expect(executor.stats.templates).toBe(2);
    executor.dispose();
  });

  it("frees what each call computed when its scope ends", () => {
    T.manual_seed(5);
    const m = new Gated();
    const executor = new SegmentExecutor(m);
    const x = T.ones(2, 8);
    tf.engine().startScope();
    executor.run([x]);
    tf.engine().endScope();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.engine().startScope();
      executor.run([x]);
      tf.engine().endScope();
    }
    expect(tf.memory().numTensors).toBe(before);
    executor.dispose();
  });
});
