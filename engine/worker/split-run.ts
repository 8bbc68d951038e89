import type { GraphRunSummary } from "../../shared/graph";
import type { Tensor } from "../api";
import { SegmentExecutor } from "../graph/segments";
import type { TraceResult } from "../graph/tracer";
import type { Execution, ExecutionContext } from "./execution";
import { parity } from "./parity";
import { summarize } from "./summarize";

type Base = Pick<GraphRunSummary, "runner" | "breaks" | "graphCount" | "opsPerGraph" | "callsTraced" | "irTraced" | "irTracedGraph">;

/**
 * A model with graph breaks, run as torch.compile runs one: forward executes with its ops
 * deferred into segments between the breaks; each segment runs as a compiled, optimized plan and
 * the code between them (the glue that reads values) runs eagerly. The first call learns the
 * segments; a call that takes a path no segment covers runs that stretch eagerly and learns it.
 */
export function runSplit(ctx: ExecutionContext, traced: TraceResult, base: Base, traceMs: number): Execution {
  const { model, args, request } = ctx;
  const executor = new SegmentExecutor(model);
  try {
    ctx.muteLogs(true); // the trace already printed this forward's logs
    const learnStart = performance.now();
    executor.run(args);
    const compileMs = performance.now() - learnStart;
    const firstStart = performance.now();
    const first = executor.run(args);
    const firstForwardMs = performance.now() - firstStart;
    const outputs = first.map(([name, t]) => summarize(name, t, request.previewValues));
    const parities = first.map(([name, t], i) => parity(name, t.raw, (traced.eagerOutputs[i] as [string, Tensor])[1].raw));
    const warmMs: number[] = [];
    for (let i = 0; i < request.repeat; i++) {
      const start = performance.now();
      executor.run(args);
      warmMs.push(performance.now() - start);
    }
    ctx.muteLogs(false);
    const n = traced.breaks.length;
    const orNote = request.mode === "graph:ort" ? " on the tfjs plan (onnxruntime runs whole graphs only)" : "";
    const segments = {
      note: `ran as ${n + 1} graphs split at ${n} graph break${n > 1 ? "s" : ""}${orNote}; the code between them ran eagerly with the values it read`,
      ...executor.stats,
    };
    const summary: GraphRunSummary = {
      ...base,
      fallback: null,
      segments,
      callsOptimized: base.callsTraced,
      passes: [],
      parity: parities,
      timings: { traceMs, passesMs: 0, compileMs },
    };
    return { outputs, firstForwardMs, warmMs, graph: summary };
  } finally {
    executor.dispose();
  }
}
