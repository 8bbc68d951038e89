import * as tf from "@tensorflow/tfjs-core";
import type { Parity } from "../../shared/graph";
import { Tensor } from "../api";
import { runPasses } from "../graph/passes";
import { compilePlan } from "../graph/plan";
import { graphToJSON, printGraph } from "../graph/print";
import { trace } from "../graph/tracer";
import { runEager } from "./eager-run";
import type { Execution, ExecutionContext } from "./execution";
import { currentUserFrame } from "./stack";
import { summarize } from "./summarize";

function parity(name: string, actual: tf.Tensor, expected: tf.Tensor): Parity {
  return tf.tidy(() => {
    const a = tf.cast(actual, "float32");
    const e = tf.cast(expected, "float32");
    const diff = tf.abs(tf.sub(a, e));
    const rel = tf.div(diff, tf.maximum(tf.abs(e), 1e-12));
    return { output: name, maxAbsDiff: tf.max(diff).dataSync()[0] as number, maxRelDiff: tf.max(rel).dataSync()[0] as number };
  });
}

/**
 * Graph mode on tfjs: trace forward once (that run is also the eager reference for parity), run
 * the passes, compile a plan and time it. A model with graph breaks runs eagerly instead, and says
 * so: its traced graph holds only the path its values took this once.
 */
export function runGraph(ctx: ExecutionContext): Execution {
  const { model, args, inputNames, request } = ctx;
  const traceStart = performance.now();
  tf.engine().startScope();
  const traced = trace(model, args, inputNames, { locate: () => currentUserFrame()?.location ?? null });
  const traceMs = performance.now() - traceStart;
  const callsTraced = traced.graph.callCount();
  const irTraced = request.explain ? printGraph(traced.graph) : undefined;
  const base = {
    runner: "tfjs" as const,
    breaks: traced.breaks,
    graphCount: traced.breaks.length + 1,
    opsPerGraph: traced.opsPerGraph,
    callsTraced,
    ...(irTraced ? { irTraced } : {}),
  };
  try {
    if (traced.breaks.length > 0) {
      const n = traced.breaks.length;
      tf.engine().endScope();
      const eager = runEager(ctx);
      const fallback = `ran eagerly: the model has ${n} graph break${n > 1 ? "s" : ""}, so one traced graph would only hold the path this input took`;
      return { ...eager, graph: { ...base, fallback, callsOptimized: callsTraced, passes: [], parity: [], timings: { traceMs, passesMs: 0, compileMs: 0 } } };
    }
    const passesStart = performance.now();
    const irAfter: string[] = [];
    const reports = runPasses(traced.graph, request.passes, (_, g) => request.explain && irAfter.push(printGraph(g)));
    const passes = reports.map((r, i) => ({ ...r, ...(request.explain ? { irAfter: irAfter[i] } : {}) }));
    const passesMs = performance.now() - passesStart;
    const compileStart = performance.now();
    const plan = compilePlan(traced.graph);
    const compileMs = performance.now() - compileStart;
    const raws = args.map((a) => a.raw);
    const names = traced.graph.outputNode.outputNames ?? [];

    const firstStart = performance.now();
    const first = plan.run(raws);
    const firstForwardMs = performance.now() - firstStart;
    const outputs = first.map((t, i) => summarize(names[i] ?? `output[${i}]`, new Tensor(t), request.previewValues));
    const parities = first.map((t, i) => parity(names[i] ?? `output[${i}]`, t, (traced.eagerOutputs[i] as [string, Tensor])[1].raw));
    first.forEach((t) => t.dispose());

    const warmMs: number[] = [];
    for (let i = 0; i < request.repeat; i++) {
      const start = performance.now();
      const outs = plan.run(raws);
      warmMs.push(performance.now() - start);
      outs.forEach((t) => t.dispose());
    }
    plan.dispose();
    const summary = {
      ...base,
      fallback: null,
      callsOptimized: traced.graph.callCount(),
      passes,
      ...(request.explain ? { ir: graphToJSON(traced.graph) } : {}),
      parity: parities,
      timings: { traceMs, passesMs, compileMs },
    };
    return { outputs, firstForwardMs, warmMs, graph: summary };
  } finally {
    traced.graph.dispose();
    if (traced.breaks.length === 0) tf.engine().endScope();
  }
}
