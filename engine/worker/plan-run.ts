import type * as tf from "@tensorflow/tfjs-core";
import { Tensor } from "../api";
import type { CompiledPlan } from "../graph/plan";
import { compilePlan } from "../graph/plan";
import type { TraceResult } from "../graph/tracer";
import type { ExecutionContext } from "./execution";
import type { GraphRunner } from "./graph-runner";
import { parity } from "../model/parity";
import { summarize } from "./summarize";

/** graph:tfjs: the optimized graph as a compiled plan, on the same kernels as eager, no tracing or checks per call. */
export function planRunner(traced: TraceResult, ctx: ExecutionContext): GraphRunner {
  const { graph } = traced;
  const raws = ctx.args.map((a) => a.raw);
  const names = graph.outputNode.outputNames ?? [];
  const name = (i: number) => names[i] ?? `output[${i}]`;
  let plan: CompiledPlan | null = null;
  return {
    prepare() {
      const start = performance.now();
      plan = compilePlan(graph);
      return Promise.resolve({ compileMs: performance.now() - start });
    },
    run() {
      if (!plan) throw new Error("the plan runner was not prepared");
      const outs: tf.Tensor[] = plan.run(raws);
      return {
        check: () => ({
          outputs: outs.map((t, i) => summarize(name(i), new Tensor(t), ctx.request.previewValues)),
          parity: outs.map((t, i) => parity(name(i), t, (traced.eagerOutputs[i] as [string, Tensor])[1].raw)),
        }),
        release: () => outs.forEach((t) => t.dispose()),
      };
    },
    summary: () => ({}),
    dispose() {
      plan?.dispose();
    },
  };
}
