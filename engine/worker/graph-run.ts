import * as tf from "@tensorflow/tfjs-core";
import type { GraphRunSummary, Parity } from "../../shared/graph";
import type { OutputSummary } from "../../shared/run";
import { Tensor } from "../api";
import type { Graph } from "../graph/ir";
import { passReportJSON, runPasses } from "../graph/passes";
import { compilePlan } from "../graph/plan";
import { graphToJSON, printGraph } from "../graph/print";
import { type TraceResult, trace } from "../graph/tracer";
import { runSplit } from "./split-run";
import type { Execution, ExecutionContext } from "./execution";
import { exportAndCheck, runOnnx } from "./onnx-run";
import { currentUserFrame } from "./stack";
import { parity } from "./parity";
import { summarize } from "./summarize";


/** What a graph runner hands back: outputs of the cold run, their parity, and the warm times. */
export interface RunnerResult {
  outputs: OutputSummary[];
  parity: Parity[];
  firstForwardMs: number;
  warmMs: number[];
  extra?: Partial<GraphRunSummary>;
}

/** The compiled tfjs plan: same kernels as eager, no tracing or checks per call. */
function runPlan(graph: Graph, ctx: ExecutionContext, traced: TraceResult): RunnerResult & { compileMs: number } {
  const compileStart = performance.now();
  const plan = compilePlan(graph);
  const compileMs = performance.now() - compileStart;
  const raws = ctx.args.map((a) => a.raw);
  const names = graph.outputNode.outputNames ?? [];
  try {
    const firstStart = performance.now();
    const first = plan.run(raws);
    const firstForwardMs = performance.now() - firstStart;
    const name = (i: number) => names[i] ?? `output[${i}]`;
    const outputs = first.map((t, i) => summarize(name(i), new Tensor(t), ctx.request.previewValues));
    const parities = first.map((t, i) => parity(name(i), t, (traced.eagerOutputs[i] as [string, Tensor])[1].raw));
    first.forEach((t) => t.dispose());
    const warmMs: number[] = [];
    for (let i = 0; i < ctx.request.repeat; i++) {
      const start = performance.now();
      const outs = plan.run(raws);
      warmMs.push(performance.now() - start);
      outs.forEach((t) => t.dispose());
    }
    return { outputs, parity: parities, firstForwardMs, warmMs, compileMs };
  } finally {
    plan.dispose();
  }
}

/**
 * Graph mode: trace forward once (that run is also the eager reference for parity), run the passes,
 * then run the graph as a compiled tfjs plan or, exported to ONNX, in onnxruntime. A model with
 * graph breaks runs eagerly instead, and says so: its traced graph holds only the path its values
 * took this once.
 */
export async function runGraph(ctx: ExecutionContext): Promise<Execution> {
  const { model, args, inputNames, request } = ctx;
  const runner = request.mode === "graph:ort" ? "ort" : "tfjs";
  tf.engine().startScope();
  const traceStart = performance.now();
  const traced = trace(model, args, inputNames, { locate: () => currentUserFrame()?.location ?? null });
  const traceMs = performance.now() - traceStart;
  const base = {
    runner,
    breaks: traced.breaks,
    graphCount: traced.breaks.length + 1,
    opsPerGraph: traced.opsPerGraph,
    callsTraced: traced.graph.callCount(),
    ...(request.explain ? { irTraced: printGraph(traced.graph), irTracedGraph: graphToJSON(traced.graph) } : {}),
  } as const;
  try {
    if (traced.breaks.length > 0) {
      const n = traced.breaks.length;
      if (request.export) {
        throw new Error(`cannot export: the model has ${n} graph break${n > 1 ? "s" : ""}, and one ONNX graph would only hold the path this input took; see the breaks below`);
      }
      return runSplit(ctx, traced, { ...base, runner: "tfjs" }, traceMs);
    }
    const passesStart = performance.now();
    const irAfter: string[] = [];
    const reports = runPasses(traced.graph, request.passes, (_, g) => request.explain && irAfter.push(printGraph(g)));
    const passes = reports.map((r, i) => ({ ...passReportJSON(r), ...(request.explain ? { irAfter: irAfter[i] } : {}) }));
    const passesMs = performance.now() - passesStart;

    const exported = request.export ? await exportAndCheck(traced, ctx) : undefined;
    const ran = runner === "ort" ? await runOnnx(traced, ctx) : runPlan(traced.graph, ctx, traced);
    const summary: GraphRunSummary = {
      ...base,
      fallback: null,
      callsOptimized: traced.graph.callCount(),
      passes,
      ...(request.explain ? { ir: graphToJSON(traced.graph) } : {}),
      parity: ran.parity,
      timings: { traceMs, passesMs, compileMs: "compileMs" in ran ? ran.compileMs : 0 },
      ...(exported ? { export: exported } : {}),
      ...ran.extra,
    };
    return { outputs: ran.outputs, firstForwardMs: ran.firstForwardMs, warmMs: ran.warmMs, graph: summary };
  } finally {
    traced.graph.dispose();
    tf.engine().endScope();
  }
}
