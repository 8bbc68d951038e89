/**
 * graph:tfjs for a model with graph breaks, run as `tandem run --mode graph:tfjs` runs it
 * (engine/worker/split-run.ts) and as torch.compile does: forward's ops are deferred into segments
 * between the breaks, each segment runs as a compiled plan, and the code between them (the glue
 * that reads values and branches) runs eagerly. A bench times that whole forward, glue included,
 * since the glue is part of what the model costs in graph mode.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Parity } from "../../shared/graph";
import { describeMismatch } from "../../shared/mismatch";
import type { Tensor, nn } from "../api";
import { SegmentExecutor } from "../graph/segments";
import type { TraceResult } from "../graph/tracer";
import { parity, withinTolerance } from "../model/parity";
import { rssNow } from "../measure/memory";
import { segmentsProfile } from "./profile";
import { tfjsProfile } from "./setup-tfjs";
import type { Block } from "../measure/timer";
import { type CaseSetup, missing, now, reason } from "./variant";

type PlanRun = Parameters<typeof segmentsProfile>[0][number][number];

/**
 * Learns and compiles the segments (the first forward runs them eagerly, as split-run does), runs
 * one forward on the compiled segments (cold), checks its outputs against the traced eager ones,
 * and adds the graph:tfjs variant with a note saying how it ran. Disagreeing outputs are a case
 * warning: the timing would then be of some other computation.
 */
export function setupSplit(setup: CaseSetup, model: nn.Module, args: readonly Tensor[], traced: TraceResult, threadsNote: string, warnings: string[]): void {
  setup.progress("setup", "graph:tfjs: compiling the segments between graph breaks");
  const before = rssNow();
  const executor = new SegmentExecutor(model);
  try {
    // One scope per forward, as eager's block: the intermediates are freed inside the timed region.
    const block: Block = (calls) => {
      for (let i = 0; i < calls; i++) {
        tf.engine().startScope();
        executor.run(args);
        tf.engine().endScope();
      }
    };
    const learnStart = now();
    block(1);
    setup.cold.planCompileMs = now() - learnStart;
    setup.cold.passesMs = missing("run per segment as it is compiled: inside the plan compile time");

    const stats = { ...executor.stats };
    tf.engine().startScope();
    let parities: Parity[];
    try {
      const firstStart = now();
      const outputs = executor.run(args);
      setup.cold.planFirstRunMs = now() - firstStart;
      parities = outputs.map(([name, t], i) => parity(name, t.raw, (traced.eagerOutputs[i] as [string, Tensor])[1].raw));
    } finally {
      tf.engine().endScope();
    }
    const compiled = executor.stats.planRuns - stats.planRuns;
    const eagerSegments = executor.stats.eagerSegments - stats.eagerSegments;

    const maxAbs = Math.max(0, ...parities.map((p) => p.maxAbsDiff));
    for (const p of parities) {
      if (p.mismatch) warnings.push(`graph:tfjs: output ${p.output} differs from eager in its NaNs or infinities: ${describeMismatch(p.mismatch)}`);
      else if (!withinTolerance(p)) warnings.push(`graph:tfjs: output ${p.output} differs from eager by ${p.maxAbsDiff.toExponential(2)} (max abs), beyond the stated tolerance`);
    }
    const n = traced.breaks.length;
    const stillEager = eagerSegments ? `, ${eagerSegments} segment${eagerSegments > 1 ? "s" : ""} still op by op` : "";
    const note = `ran as ${compiled} compiled segment${compiled === 1 ? "" : "s"}${stillEager} with eager glue between them (${n} graph break${n > 1 ? "s" : ""}, as torch.compile runs it); outputs vs eager: max abs diff ${maxAbs.toExponential(2)}`;

    setup.prepared.push({
      name: "graph:tfjs",
      mode: "graph:tfjs",
      threads: 1,
      threadsNote,
      note,
      block,
      setupBytes: rssNow() - before,
      profile: async (forwards) => {
        const runs: PlanRun[][] = [];
        executor.onPlanRun = (steps, stepMs) => runs[runs.length - 1]?.push({ steps, stepMs });
        try {
          for (let i = 0; i < forwards; i++) {
            runs.push([]);
            block(1);
          }
        } finally {
          executor.onPlanRun = null;
        }
        return segmentsProfile(runs, "graph:tfjs");
      },
      libraryMemory: async () => {
        const k = await tfjsProfile(() => block(1));
        return { mode: "graph:tfjs", atRestBytes: k.atRest, peakBytes: k.peak, activationPeakBytes: k.peak - k.atRest, source: "tfjs memory().numBytes at rest (segment plans' constants included); profile() peakBytes over one forward, glue included" };
      },
      dispose: () => executor.dispose(),
    });
  } catch (error) {
    executor.dispose();
    setup.missingModes.push({ mode: "graph:tfjs", reason: `the split run (compiled segments with eager glue) failed: ${reason(error)}` });
  }
}
