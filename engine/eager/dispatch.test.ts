/** The op observer hooks that the profiler and the graph tracer are built on. */
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { type OpAttrs, type OpInput, type OpObserver, apply, applyMulti, callModule, setOpObserver } from "./dispatch";
import { none } from "../ops/flops";
import { type Kernel, defineOp } from "../ops/record";
import { setBackend } from "./backend";

beforeAll(async () => {
  await setBackend("wasm");
});

afterEach(() => {
  setOpObserver(null);
});

interface OpEvent {
  kind: "op";
  name: string;
  inputs: readonly OpInput[];
  attrs: OpAttrs;
  outputs: readonly T.Tensor[];
}
interface ReadEvent {
  kind: "read";
  tensor: T.Tensor;
  how: string;
}
interface ModuleEvent {
  kind: "enter" | "exit";
  module: object;
}
type Event = OpEvent | ReadEvent | ModuleEvent;

function recorder(withModules = true): { observer: OpObserver; events: Event[]; ops: () => OpEvent[]; reads: () => ReadEvent[] } {
  const events: Event[] = [];
  const observer: OpObserver = {
    op: (def, inputs, attrs, outputs) => events.push({ kind: "op", name: def.name, inputs, attrs, outputs }),
    read: (tensor, how) => events.push({ kind: "read", tensor, how }),
  };
  if (withModules) {
    observer.enterModule = (module) => events.push({ kind: "enter", module });
    observer.exitModule = (module) => events.push({ kind: "exit", module });
  }
  return {
    observer,
    events,
    ops: () => events.filter((e): e is OpEvent => e.kind === "op"),
    reads: () => events.filter((e): e is ReadEvent => e.kind === "read"),
  };
}

describe("op observer", () => {
  it("sees every op of a Linear + ReLU forward with its inputs and outputs", () => {
    const fc = new T.nn.Linear(3, 2);
    const model = new T.nn.Sequential(fc, new T.nn.ReLU());
    const x = T.randn(4, 3);
    const rec = recorder();
    expect(setOpObserver(rec.observer)).toBeNull();
    const y = model(x);
    const ops = rec.ops();
    expect(ops.map((e) => e.name)).toEqual(["linear", "relu"]);
    const [lin, relu] = ops as [OpEvent, OpEvent];
    expect(lin.inputs).toHaveLength(3);
    expect(lin.inputs[0]).toBe(x);
    expect(lin.inputs[1]).toBe(fc.weight);
    expect(lin.inputs[2]).toBe(fc.bias);
    expect(lin.outputs).toHaveLength(1);
    expect(lin.outputs[0]?.shape).toEqual([4, 2]);
    // The ReLU consumes exactly the tensor the linear produced, and its output is the result.
    expect(relu.inputs[0]).toBe(lin.outputs[0]);
    expect(relu.outputs[0]).toBe(y);
  });

  it("passes the op's attributes", () => {
    const rec = recorder();
    setOpObserver(rec.observer);
    T.ones(2, 3).sum(-1, true);
    T.ones(2, 3).softmax(0);
    expect(rec.ops().map((e) => [e.name, e.attrs])).toEqual([
      ["sum", { dim: [1], keepdim: true }],
      ["softmax", { dim: 0 }],
    ]);
  });

  it("multi-output ops are reported once with all their outputs", () => {
    const x = T.tensor([[1, 5], [7, 0]]);
    const rec = recorder();
    setOpObserver(rec.observer);
    const { values, indices } = x.max(1);
    const parts = T.arange(6).split(2);
    const ops = rec.ops();
    expect(ops.map((e) => e.name)).toEqual(["max_dim", "split"]);
    expect(ops[0]?.outputs).toEqual([values, indices]);
    expect(ops[1]?.outputs).toEqual(parts);
    expect(ops[1]?.outputs).toHaveLength(3);
  });

  it("a scalar operand is an attribute, not an input", () => {
    const x = T.ones(2);
    const rec = recorder();
    setOpObserver(rec.observer);
    x.add(3);
    expect(rec.ops()[0]?.inputs).toEqual([x]);
    expect(rec.ops()[0]?.attrs).toEqual({ dtype: "float32", other: 3 });
  });

  it("an op that fails is not reported", () => {
    const rec = recorder();
    setOpObserver(rec.observer);
    expect(() => T.zeros(2, 3).matmul(T.zeros(4, 5))).toThrow(T.ShapeError);
    expect(rec.ops()).toEqual([]);
  });

  it("restoring the previous observer works", () => {
    const a = recorder();
    const b = recorder();
    expect(setOpObserver(a.observer)).toBeNull();
    T.ones(1).neg();
    const previous = setOpObserver(b.observer);
    expect(previous).toBe(a.observer);
    T.ones(1).exp();
    expect(setOpObserver(previous)).toBe(b.observer);
    T.ones(1).abs();
    expect(a.ops().map((e) => e.name)).toEqual(["neg", "abs"]);
    expect(b.ops().map((e) => e.name)).toEqual(["exp"]);
    expect(setOpObserver(null)).toBe(a.observer);
    T.ones(1).sqrt();
    expect(a.ops()).toHaveLength(2);
  });
});

describe("module brackets", () => {
  class Net extends T.nn.Module {
    fc = new T.nn.Linear(2, 2);
    act = new T.nn.ReLU();
    override forward(x: T.Tensor): T.Tensor {
      return this.act(this.fc(x));
    }
  }

  it("enterModule/exitModule bracket every module call, nested, around its ops", () => {
    const net = new Net();
    const rec = recorder();
    setOpObserver(rec.observer);
    net(T.ones(1, 2));
    const trace = rec.events.map((e) => {
      if (e.kind === "op") return e.name;
      if (e.kind === "read") return `read:${e.how}`;
      const name = e.module === net ? "net" : e.module === net.fc ? "fc" : e.module === net.act ? "act" : "?";
      return `${e.kind}:${name}`;
    });
    expect(trace).toEqual(["enter:net", "enter:fc", "linear", "exit:fc", "enter:act", "relu", "exit:act", "exit:net"]);
  });

  it("calling forward directly does not bracket that module", () => {
    const net = new Net();
    const rec = recorder();
    setOpObserver(rec.observer);
    net.forward(T.ones(1, 2));
    const entered = rec.events.filter((e): e is ModuleEvent => e.kind === "enter").map((e) => e.module);
    expect(entered).toEqual([net.fc, net.act]);
  });

  it("exitModule runs even when forward throws", () => {
    const net = new Net();
    const rec = recorder();
    setOpObserver(rec.observer);
    expect(() => net(T.ones(1, 3))).toThrow(/linear: \[1,3\] x \[2,2\]/);
    const kinds = rec.events.map((e) => e.kind);
    expect(kinds).toEqual(["enter", "enter", "exit", "exit"]);
  });

  it("observers without module hooks still work", () => {
    const rec = recorder(false);
    setOpObserver(rec.observer);
    new Net()(T.ones(1, 2));
    expect(rec.events.map((e) => e.kind)).toEqual(["op", "op"]);
  });

  it("callModule calls forward with the module as `this` and all arguments", () => {
    const seen: unknown[] = [];
    const target = {
      tag: "me",
      forward(...args: never[]): unknown {
        seen.push(this.tag, ...args);
        return "result";
      },
    };
    expect(callModule(target, [1, "two"])).toBe("result");
    expect(seen).toEqual(["me", 1, "two"]);
    const rec = recorder();
    setOpObserver(rec.observer);
    callModule(target, []);
    expect(rec.events).toEqual([
      { kind: "enter", module: target },
      { kind: "exit", module: target },
    ]);
  });
});

describe("reads", () => {
  it("item(), toArray()/tolist() and toPrimitive report the tensor read", () => {
    const a = T.tensor([3]);
    const b = T.tensor([1, 2]);
    const rec = recorder();
    setOpObserver(rec.observer);
    a.item();
    b.toArray();
    b.tolist();
    expect(+a).toBe(3);
    expect(rec.reads().map((e) => [e.tensor, e.how])).toEqual([
      [a, "item"],
      [b, "toArray"],
      [b, "toArray"],
      [a, "toPrimitive"],
    ]);
  });

  it("a read is reported even when the conversion then fails", () => {
    const b = T.tensor([1, 2]);
    const rec = recorder();
    setOpObserver(rec.observer);
    expect(() => b.item()).toThrow();
    expect(() => +b).toThrow();
    expect(rec.reads().map((e) => e.how)).toEqual(["item", "toPrimitive"]);
  });

  it("reading shape or dtype is not a read", () => {
    const b = T.tensor([1, 2]);
    const rec = recorder();
    setOpObserver(rec.observer);
    void b.shape;
    void b.dtype;
    b.size(0);
    b.numel();
    expect(rec.events).toEqual([]);
  });
});

let throwing: () => never = () => {
  throw new Error("unset");
};
/** An op with only a kernel, for dispatch's sake: no ONNX form, no FLOPs. */
const testOp = (name: string, kernel: Kernel) =>
  defineOp({ name, summary: "test op", kernel, onnx: { unsupported: "a test op" }, flops: none, effect: "pure" });
const DOUBLE = testOp("test_double", ([x], a) => tf.mul(x as tf.Tensor, a.factor as number));
const HALVES = testOp("test_halves", ([x]) => tf.split(x as tf.Tensor, 2));
const THROWS: Kernel = () => throwing();
const MY_OP = testOp("my_op", THROWS);
const OUTER = testOp("test_outer", THROWS);

describe("apply / applyMulti", () => {
  it("wrap the kernel's result in a Tensor and report it", () => {
    const x = T.tensor([1, 2]);
    const rec = recorder();
    setOpObserver(rec.observer);
    const y = apply(DOUBLE, [x], { factor: 2 });
    expect(y).toBeInstanceOf(T.Tensor);
    expect(y.toArray()).toEqual([2, 4]);
    const parts = applyMulti(HALVES, [x], {});
    expect(parts.map((p) => p.toArray())).toEqual([[1], [2]]);
    expect(rec.ops().map((e) => [e.name, e.attrs])).toEqual([
      ["test_double", { factor: 2 }],
      ["test_halves", {}],
    ]);
  });

  it("turn a tfjs kernel error into a ShapeError named after the Tandem op, without tfjs's prefix", () => {
    const x = T.tensor([1, 2]);
    let caught: unknown;
    throwing = () => {
      throw new Error("Error in matMul: inner shapes differ");
    };
    try {
      apply(MY_OP, [x], {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(T.ShapeError);
    expect((caught as Error).message).toBe("my_op: [2]: inner shapes differ");
  });

  it("pass ShapeErrors and non-Error throws through unchanged", () => {
    const x = T.tensor([1]);
    const original = new T.ShapeError("inner", [[1]], "detail");
    throwing = () => {
      throw original;
    };
    expect(() => apply(OUTER, [x], {})).toThrow(original);
    let caught: unknown;
    throwing = () => {
      throw "plain string";
    };
    try {
      applyMulti(OUTER, [x], {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe("plain string");
  });
});
