/** The Interpreter base: hooks per node kind with arguments from the environment, and what extends it. */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import { Evaluator } from "./evaluate";
import { Interpreter } from "./interpreter";
import type { Node } from "./ir";
import { checkShapes } from "./shape-check";
import { trace } from "./tracer";

const { nn, F } = T;

class Net extends nn.Module {
  fc = new nn.Linear(4, 3);
  override forward(x: T.Tensor): T.Tensor {
    return F.relu(this.fc(x)).add(x.sum(-1, true));
  }
}

/** Each value is the expression that computes it, to see the order and the arguments hooks get. */
class Spell extends Interpreter<string> {
  protected getAttr(node: Node): string {
    return node.name;
  }
  protected callNode(node: Node, args: readonly (string | null)[]): string[] {
    return node.types.map(() => `${node.op}(${args.map((a) => a ?? "None").join(", ")})`);
  }
}

beforeAll(async () => {
  await setBackend("cpu");
});

describe("Interpreter", () => {
  it("walks the nodes in order, handing each hook its arguments from the environment", () => {
    T.manual_seed(0);
    const { graph } = trace(new Net(), [T.randn(2, 4)], ["x"]);
    expect(new Spell(graph).run(["X"])).toEqual(["add(relu(linear(X, fc.weight, fc.bias)), sum(X))"]);
    expect(() => new Spell(graph).run([])).toThrow(/no value for graph input x/);
    graph.dispose();
  });

  it("Evaluator computes what eager computed", () => {
    T.manual_seed(0);
    const x = T.randn(2, 4);
    const { graph, eagerOutputs } = trace(new Net(), [x], ["x"]);
    const [out] = new Evaluator(graph).run([x.raw]);
    const expected = (eagerOutputs[0] as [string, T.Tensor])[1].raw;
    expect(tf.max(tf.abs(tf.sub(out as tf.Tensor, expected))).dataSync()[0]).toBe(0);
    graph.dispose();
  });

  it("checkShapes finds a recorded type the kernels do not produce", () => {
    const x = T.randn(2, 4);
    const { graph } = trace(new Net(), [x], ["x"]);
    expect(checkShapes(graph, [x.raw])).toEqual([]);
    const relu = graph.nodes.find((n) => n.op === "relu") as Node;
    relu.types = [{ shape: [2, 5], dtype: "float32" }];
    expect(checkShapes(graph, [x.raw])).toEqual([{ node: "relu", output: 0, recorded: "f32[2,5]", computed: "f32[2,3]" }]);
    graph.dispose();
  });
});
