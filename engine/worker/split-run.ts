import type { Tensor } from "../api";
import { SegmentExecutor } from "../graph/segments";
import type { TraceResult } from "../graph/tracer";
import type { ExecutionContext } from "./execution";
import type { GraphRunner } from "./graph-runner";
import { parity } from "../model/parity";
import { summarize } from "./summarize";

/**
 * A model with graph breaks, run as torch.compile runs one: forward executes with its ops
 * deferred into segments between the breaks; each segment runs as a compiled, optimized plan and
 * the code between them (the glue that reads values) runs eagerly. The first call (prepare)
 * learns the segments; a call that takes a path no segment covers runs that stretch eagerly and
 * learns it.
 */
export function splitRunner(traced: TraceResult, ctx: ExecutionContext): GraphRunner {
  const { model, args, request } = ctx;
  const executor = new SegmentExecutor(model);
  return {
    prepare() {
      ctx.muteLogs(true); // the trace already printed this forward's logs
      const start = performance.now();
      executor.run(args);
      return Promise.resolve({ compileMs: performance.now() - start });
    },
    run() {
      const outs = executor.run(args);
      return {
        check: () => ({
          outputs: outs.map(([name, t]) => summarize(name, t, request.previewValues)),
          parity: outs.map(([name, t], i) => parity(name, t.raw, (traced.eagerOutputs[i] as [string, Tensor])[1].raw)),
        }),
        release: () => {}, // eager-made tensors: freed with the run's tfjs scope, as eager mode's are
      };
    },
    summary() {
      const n = traced.breaks.length;
      const orNote = request.mode === "graph:ort" ? " on the tfjs plan (onnxruntime runs whole graphs only)" : "";
      return {
        segments: {
          note: `ran as ${n + 1} graphs split at ${n} graph break${n > 1 ? "s" : ""}${orNote}; the code between them ran eagerly with the values it read`,
          ...executor.stats,
        },
      };
    },
    dispose() {
      ctx.muteLogs(false);
      executor.dispose();
    },
  };
}
