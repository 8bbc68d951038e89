import * as tf from "@tensorflow/tfjs-core";
import type { GraphBreak } from "../../shared/graph";
import type { SourceLocation } from "../../shared/location";
import type { Module } from "../api/nn/module";
import type { Tensor } from "../api/tensor";
import { type OpInput, type OpObserver, setOpObserver } from "../eager/dispatch";
import { flattenOutputs } from "../eager/outputs";
import type { OpAttrs, OpDef } from "../ops/record";
import { Graph, type Node, type Value } from "./ir";
import { formatType } from "./print";

export interface TraceOptions {
  /** Where the user's code is now; the worker maps its stack, tests may leave it out. */
  locate?: () => SourceLocation | null;
}

export interface TraceResult {
  graph: Graph;
  /** Reads of tensor values while tracing: each splits the graph, as in torch._dynamo.explain. */
  breaks: GraphBreak[];
  /** Call nodes per graph piece: breaks.length + 1 entries. */
  opsPerGraph: number[];
  /** The forward's return value, computed eagerly while tracing (for parity checks). */
  eagerOutputs: [string, Tensor][];
}

const READ_REASON: Record<string, string> = {
  item: "x.item() needs the tensor's value, which a static graph does not have until it runs",
  toArray: "x.toArray() needs the tensor's values, which a static graph does not have until it runs",
  toPrimitive: "a tensor was used as a number (a comparison, arithmetic or `if`), which needs its value while tracing",
  booleanMask: "x.idx(mask) with a bool mask: the result's shape depends on the mask's values, which a static graph does not have until it runs",
};

/**
 * Records a graph by running `forward` once on real inputs with an observer on every op, like
 * torch.jit.trace: shape-dependent control flow is resolved (loops unroll), value-dependent control
 * flow is a graph break. Parameters and buffers become parameter nodes named by their paths.
 */
export function trace(model: Module, args: readonly Tensor[], inputNames: readonly string[], options: TraceOptions = {}): TraceResult {
  const graph = new Graph();
  const values = new Map<Tensor, Value>();
  const paths = new Map<object, string>(model.named_modules().map(([p, m]) => [m, p]));
  const paramNames = new Map<Tensor, string>();
  for (const [name, t] of [...model.named_parameters(), ...model.named_buffers()]) if (!paramNames.has(t)) paramNames.set(t, name);
  const moduleStack: string[] = [];
  const breaks: GraphBreak[] = [];
  const locate = options.locate ?? (() => null);

  args.forEach((t, i) => {
    const node = graph.add({ kind: "input", op: "input", name: inputNames[i] ?? `arg${i}`, types: [{ shape: [...t.rawShape], dtype: t.dtype }] });
    values.set(t, { node, index: 0 });
  });

  /** A tensor that no op produced: a parameter, a buffer, or a constant made inside forward. */
  const valueOf = (t: Tensor): Value => {
    const known = values.get(t);
    if (known) return known;
    const paramName = paramNames.get(t);
    const node = graph.add({
      kind: paramName ? "parameter" : "constant",
      op: paramName ? "parameter" : "constant",
      name: paramName ?? "const",
      types: [{ shape: [...t.rawShape], dtype: t.dtype }],
      value: tf.keep(tf.clone(t.raw)),
      location: paramName ? null : locate(),
    });
    const v = { node, index: 0 };
    values.set(t, v);
    return v;
  };

  const describe = (t: Tensor): string => {
    const v = values.get(t);
    const producer = v ? (v.node.kind === "call" ? `${v.node.name} (${v.node.op}${v.node.module ? ` in ${v.node.module}` : ""})` : v.node.name) : "a constant";
    return `Tensor(${formatType({ shape: [...t.rawShape], dtype: t.dtype })}, from ${producer}) [symbolic while tracing: a graph has no values until it runs]`;
  };

  const observer: OpObserver = {
    op(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, outputs: readonly Tensor[]) {
      const node: Node = graph.add({
        kind: "call",
        op: def.name,
        name: def.name,
        inputs: inputs.map((t) => (t === null ? null : valueOf(t))),
        attrs: { ...attrs },
        types: outputs.map((o) => ({ shape: [...o.rawShape], dtype: o.dtype })),
        module: moduleStack[moduleStack.length - 1] ?? null,
        location: locate(),
      });
      outputs.forEach((o, index) => values.set(o, { node, index }));
    },
    read(tensor, how) {
      const producer = values.get(tensor)?.node;
      breaks.push({
        reason: READ_REASON[how] ?? how,
        how,
        location: locate(),
        tensor: producer ? producer.name : null,
        afterOps: graph.callCount(),
      });
    },
    describe,
    enterModule(module) {
      moduleStack.push(paths.get(module) || (moduleStack[moduleStack.length - 1] ?? ""));
    },
    exitModule() {
      moduleStack.pop();
    },
  };

  const previous = setOpObserver(observer);
  let result: unknown;
  try {
    result = (model as unknown as (...a: Tensor[]) => unknown)(...args);
  } finally {
    setOpObserver(previous);
  }
  const eagerOutputs = flattenOutputs(result);
  const outputs = eagerOutputs.map(([, t]) => valueOf(t));
  graph.add({ kind: "output", op: "output", name: "output", inputs: outputs, types: outputs.map((v) => v.node.types[v.index] as { shape: number[]; dtype: Tensor["dtype"] }), outputNames: eagerOutputs.map(([n]) => n) });

  const cuts = breaks.map((b) => b.afterOps);
  const opsPerGraph = [...cuts, graph.callCount()].map((end, i) => end - (i === 0 ? 0 : (cuts[i - 1] as number)));
  return { graph, breaks, opsPerGraph, eagerOutputs };
}
