import * as tf from "@tensorflow/tfjs-core";
import type { GraphRunSummary } from "../../shared/graph";
import { defaultGenerator } from "../api/random";
import { passReportJSON, runPasses } from "../graph/passes";
import { graphToJSON, printGraph } from "../graph/print";
import { type TraceResult, trace } from "../graph/tracer";
import type { Execution, ExecutionContext } from "./execution";
import { type GraphRunner, driveRunner } from "./graph-runner";
import { exportAndCheck, ortRunner } from "./onnx-run";
import { planRunner } from "./plan-run";
import { splitRunner } from "./split-run";
import { currentUserFrame } from "../model/stack";

/** The runners of whole graphs, by the summary's runner name; a model with breaks runs split instead. */
const RUNNERS = { tfjs: planRunner, ort: ortRunner } as const satisfies Record<GraphRunSummary["runner"], (traced: TraceResult, ctx: ExecutionContext) => GraphRunner>;

/**
 * Graph mode: trace forward once (that run is also the eager reference for parity), run the passes,
 * then run the graph through its runner: a compiled tfjs plan or, exported to ONNX, onnxruntime.
 * A model with graph breaks runs split into compiled segments with eager glue instead, and says
 * so: its traced graph holds only the path its values took this once.
 */
export async function runGraph(ctx: ExecutionContext): Promise<Execution> {
  const { model, args, inputNames, request } = ctx;
  const kind: keyof typeof RUNNERS = request.mode === "graph:ort" ? "ort" : "tfjs";
  tf.engine().startScope();
  const rng = defaultGenerator().snapshot();
  const traceStart = performance.now();
  const traced = trace(model, args, inputNames, { locate: () => currentUserFrame()?.location ?? null });
  const traceMs = performance.now() - traceStart;
  const base = {
    breaks: traced.breaks,
    graphCount: traced.breaks.length + 1,
    opsPerGraph: traced.opsPerGraph,
    callsTraced: traced.graph.callCount(),
    ...(request.explain ? { irTraced: printGraph(traced.graph), irTracedGraph: graphToJSON(traced.graph) } : {}),
  } as const;
  try {
    const split = traced.breaks.length > 0;
    if (split && request.export) {
      const n = traced.breaks.length;
      throw new Error(`cannot export: the model has ${n} graph break${n > 1 ? "s" : ""}, and one ONNX graph would only hold the path this input took; see the breaks below`);
    }
    // A model with breaks has no single graph to optimize: its segments run the passes as they compile.
    const passesStart = performance.now();
    const irAfter: string[] = [];
    const reports = split ? [] : runPasses(traced.graph, request.passes, (_, g) => request.explain && irAfter.push(printGraph(g)));
    const passes = reports.map((r, i) => ({ ...passReportJSON(r), ...(request.explain ? { irAfter: irAfter[i] } : {}) }));
    const passesMs = split ? 0 : performance.now() - passesStart;

    const exported = request.export ? await exportAndCheck(traced, ctx) : undefined;
    const runner = split ? splitRunner(traced, ctx) : RUNNERS[kind](traced, ctx);
    // The graph's first run starts from the random stream where the trace started, so random ops
    // draw what eager drew and parity compares like with like (onnxruntime has its own generator).
    defaultGenerator().restore(rng);
    const ran = await driveRunner(runner, ctx);
    const summary: GraphRunSummary = {
      ...base,
      runner: split ? "tfjs" : kind,
      fallback: null,
      callsOptimized: split ? base.callsTraced : traced.graph.callCount(),
      passes,
      ...(request.explain && !split ? { ir: graphToJSON(traced.graph) } : {}),
      parity: ran.parity,
      timings: { traceMs, passesMs, compileMs: ran.compileMs },
      ...(exported ? { export: exported } : {}),
      ...ran.extra,
    };
    return { outputs: ran.outputs, firstForwardMs: ran.firstForwardMs, warmMs: ran.warmMs, graph: summary };
  } finally {
    traced.graph.dispose();
    tf.engine().endScope();
  }
}
