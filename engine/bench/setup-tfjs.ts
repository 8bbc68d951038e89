/**
 * The tfjs-backed variants of a case: eager (op by op) and graph:tfjs (the optimized graph as a
 * compiled plan on the same kernels). Each set-up times its own cold costs as they happen.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendInfo } from "../../shared/backends";
import type { Tensor, nn } from "../api";
import type { Graph } from "../graph/ir";
import { type CompiledPlan, compilePlan } from "../graph/plan";
import { rssNow } from "../measure/memory";
import { type KernelRecord, kernelRows, planProfile, profileEager } from "./profile";
import type { Block } from "../measure/timer";
import { type CaseSetup, callable, now, reason } from "./variant";

/** tfjs's live bytes at rest and at the peak of one forward (profile()), and its kernels. */
export async function tfjsProfile(run: () => void): Promise<{ atRest: number; peak: number; kernels: KernelRecord[] }> {
  const atRest = tf.memory().numBytes;
  const info = await tf.profile(() => {
    run();
    return [];
  });
  // "<op>__op" entries (tfjs's custom-gradient ops, e.g. fusedMatMul__op) wrap the kernels they
  // run, which are listed too: counting both would count that time twice.
  const kernels = await Promise.all(
    info.kernels.filter((k) => !k.name.endsWith("__op")).map(async (k) => {
      const t = await k.kernelTimeMs;
      return { name: k.name, ms: typeof t === "number" ? t : 0, bytesAdded: k.bytesAdded };
    }),
  );
  return { atRest, peak: info.peakBytes, kernels };
}

/** What the thread count means for a tfjs backend, which Tandem cannot set. */
export function tfjsThreadsNote(backend: BackendInfo): string {
  if (backend.name !== "wasm") return `tfjs-${backend.name}: threads as that backend uses them, not settable here`;
  return backend.features.threads === true ? "tfjs-wasm runs its own thread pool; its size is not settable" : "tfjs-wasm runs single-threaded (this build has no wasm threads)";
}

/**
 * Runs the model's first forward at this batch size (the coldest one: tracing runs one too) and,
 * when eager is asked for, adds the eager variant.
 */
export function setupEager(setup: CaseSetup, model: nn.Module, args: readonly Tensor[], threadsNote: string, wanted: boolean): void {
  const forward = callable(model);
  // One scope per forward, as `tandem run` does: each forward's intermediates are freed after it
  // (inside the timed region, as torch frees them), so memory per block does not grow with calls.
  const eagerBlock: Block = (calls) => {
    for (let i = 0; i < calls; i++) {
      tf.engine().startScope();
      forward(...args);
      tf.engine().endScope();
    }
  };
  setup.progress("setup", "eager: first run");
  const before = rssNow();
  const start = now();
  eagerBlock(1);
  setup.cold.eagerFirstRunMs = now() - start;
  if (!wanted) return;
  setup.prepared.push({
    name: "eager",
    mode: "eager",
    threads: 1,
    threadsNote,
    block: eagerBlock,
    setupBytes: rssNow() - before,
    profile: async (forwards) => {
      const { opsPerForward: _ops, ...p } = profileEager(model, () => eagerBlock(1), forwards);
      // tfjs's per-kernel view with bytes, over a few forwards (its profiler adds its own cost).
      const runs = Math.min(forwards, 10);
      const k = await tfjsProfile(() => {
        for (let i = 0; i < runs; i++) eagerBlock(1);
      });
      return { ...p, kernels: kernelRows(k.kernels, runs) };
    },
    libraryMemory: async () => {
      const k = await tfjsProfile(() => eagerBlock(1));
      return { mode: "eager", atRestBytes: k.atRest, peakBytes: k.peak, activationPeakBytes: k.peak - k.atRest, source: "tfjs memory().numBytes at rest; profile() peakBytes over one forward" };
    },
    dispose: () => {},
  });
}

/** Compiles the optimized graph as a tfjs plan, runs it once (cold), and adds the graph:tfjs variant. */
export function setupPlan(setup: CaseSetup, graph: Graph, raws: readonly tf.Tensor[], threadsNote: string): void {
  setup.progress("setup", "graph:tfjs: compiling the plan");
  const before = rssNow();
  try {
    const start = now();
    const plan: CompiledPlan = compilePlan(graph);
    setup.cold.planCompileMs = now() - start;
    const runPlan: Block = (calls) => {
      for (let i = 0; i < calls; i++) for (const t of plan.run(raws)) t.dispose();
    };
    const first = now();
    runPlan(1);
    setup.cold.planFirstRunMs = now() - first;
    setup.prepared.push({
      name: "graph:tfjs",
      mode: "graph:tfjs",
      threads: 1,
      threadsNote,
      block: runPlan,
      setupBytes: rssNow() - before,
      profile: async (forwards) => {
        const runs: number[][] = [];
        for (let i = 0; i < forwards; i++) {
          const { outputs, stepMs } = plan.profile(raws);
          outputs.forEach((t) => t.dispose());
          runs.push(stepMs);
        }
        return planProfile(plan.steps, runs, "graph:tfjs");
      },
      libraryMemory: async () => {
        const k = await tfjsProfile(() => runPlan(1));
        return { mode: "graph:tfjs", atRestBytes: k.atRest, peakBytes: k.peak, activationPeakBytes: k.peak - k.atRest, source: "tfjs memory().numBytes at rest (plan constants included); profile() peakBytes over one run" };
      },
      dispose: () => plan.dispose(),
    });
  } catch (error) {
    setup.missingModes.push({ mode: "graph:tfjs", reason: `the plan failed: ${reason(error)}` });
  }
}
