/**
 * One batch size of a benchmark: makes the inputs, sets up every requested variant (eager; traced,
 * optimized and compiled as a tfjs plan; exported and loaded in onnxruntime), measures them
 * interleaved with RSS tagged by block, then reads the kernel library's counters and profiles
 * each variant per op, after timing so that neither disturbs it.
 */
import * as tf from "@tensorflow/tfjs-core";
import path from "node:path";
import type { BenchCase, BenchProgress, FlopCount, Missing, OpProfile } from "../../shared/bench";
import type { Graph } from "../graph/ir";
import { runPasses } from "../graph/passes";
import { type TraceResult, trace } from "../graph/tracer";
import { makeInputs } from "../model/inputs";
import { currentUserFrame } from "../model/stack";
import { caseMemory, pickedThreads, ratios, variantFigures } from "./assemble";
import { countFlops } from "./flops";
import { type BlockStart, rssNow } from "../measure/memory";
import { exportForOrt, type OrtMode, setupOrt } from "./setup-ort";
import { setupSplit } from "./setup-split";
import { setupEager, setupPlan, tfjsThreadsNote } from "./setup-tfjs";
import { type MeasurePlan, measureInterleaved } from "../measure/timer";
import { type CaseContext, type CaseSetup, emptyColdCosts, missing, now, reason, threadCandidates, withBatch } from "./variant";

/** A profile runs forwards for about this long (at least 3, at most 200). */
const PROFILE_MS = 300;

/** How many forwards fill about PROFILE_MS, given a median time. */
const profileForwards = (medianMs: number) => Math.max(3, Math.min(200, Math.ceil(PROFILE_MS / Math.max(medianMs, 1e-3))));

/** Progress of one case; at most ~10 messages a second within a phase (warm-up and measuring report every round). */
function caseProgress(ctx: CaseContext): CaseSetup["progress"] {
  let lastPhase = "";
  let lastSent = 0;
  return (phase: BenchProgress["phase"], detail: string, extra: Partial<BenchProgress> = {}) => {
    const t = now();
    if (phase === lastPhase && t - lastSent < 100) return;
    lastPhase = phase;
    lastSent = t;
    ctx.hooks.progress({ phase, caseIndex: ctx.caseIndex, cases: ctx.cases, elapsedMs: 0, budgetMs: ctx.request.maxTimeS * 1000, rounds: 0, detail, ...extra });
  };
}

/** Traces the model once: FLOPs come from the traced graph, the graph modes from its optimized form. */
function traceCase(setup: CaseSetup, ctx: CaseContext, args: Parameters<typeof trace>[1], names: string[]): { traced: TraceResult | null; graph: Graph | null; flops: FlopCount | Missing } {
  let traced: TraceResult | null = null;
  let flops: FlopCount | Missing = missing("not traced");
  setup.progress("setup", "tracing");
  try {
    const start = now();
    traced = trace(ctx.model, args, names, { locate: () => currentUserFrame()?.location ?? null });
    setup.cold.traceMs = now() - start;
    flops = countFlops(traced.graph);
  } catch (error) {
    flops = missing(`tracing failed: ${reason(error)}`);
  }
  const graphModes = ctx.request.modes.filter((m) => m !== "eager");
  if (traced && traced.breaks.length > 0) {
    const n = traced.breaks.length;
    const where = traced.breaks[0]?.location;
    // graph:tfjs runs such a model split at its breaks (engine/bench/setup-split.ts); onnxruntime
    // runs whole graphs only, and one ONNX graph cannot hold both sides of a value-dependent branch.
    const why = `the model has ${n} graph break${n > 1 ? "s" : ""}${where ? ` (first at ${path.basename(where.file)}:${where.line})` : ""}: one ONNX graph would hold only the path this input took (graph:tfjs runs it split at the breaks instead)`;
    for (const m of graphModes) if (m !== "graph:tfjs") setup.missingModes.push({ mode: m, reason: why });
    return { traced, graph: null, flops };
  }
  if (!traced) {
    for (const m of graphModes) setup.missingModes.push({ mode: m, reason: "the model could not be traced" });
    return { traced, graph: null, flops };
  }
  const start = now();
  runPasses(traced.graph, undefined);
  setup.cold.passesMs = now() - start;
  return { traced, graph: traced.graph, flops };
}

export async function runCase(ctx: CaseContext): Promise<BenchCase> {
  const { request, hooks } = ctx;
  const setup: CaseSetup = { prepared: [], cold: emptyColdCosts(ctx.compileMs, ctx.constructMs), missingModes: [], progress: caseProgress(ctx) };
  const { prepared, missingModes } = setup;
  const inputs = makeInputs(withBatch(ctx.specs, ctx.batch), request.seed);
  const args = inputs.map((i) => i.value);
  const raws = args.map((a) => a.raw);
  const modes = new Set(request.modes);
  const warnings: string[] = [];
  const threadsNote = tfjsThreadsNote(ctx.backend);

  // Eager first: its first run is the coldest forward at this batch size (tracing runs one too).
  setupEager(setup, ctx.model, args, threadsNote, modes.has("eager"));

  tf.engine().startScope();
  const { traced, graph, flops } = traceCase(setup, ctx, args, inputs.map((i) => i.name));
  if (graph && modes.has("graph:tfjs")) setupPlan(setup, graph, raws, threadsNote);
  if (traced && traced.breaks.length > 0 && modes.has("graph:tfjs")) setupSplit(setup, ctx.model, args, traced, threadsNote, warnings);
  const ortModes = request.modes.filter((m): m is OrtMode => m === "graph:ort" || m === "ort-bare");
  const exported = graph && ortModes.length ? exportForOrt(setup, graph, ortModes, { modelName: ctx.modelName, batch: ctx.batch, onnxDir: request.onnxDir }) : null;
  if (graph && exported) await setupOrt(setup, exported, graph, args, { modes, threads: threadCandidates(request.threads), threadsAsked: request.threads });

  // Measure, interleaved, with RSS tagged by block.
  const plan: MeasurePlan = {
    warmupMs: request.warmupS * 1000,
    minTimeMs: request.minTimeS * 1000,
    maxTimeMs: Math.max(request.maxTimeS, request.minTimeS) * 1000,
    minBlocks: request.minBlocks,
    maxBlocks: request.maxBlocks,
    targetRelCi: request.targetRelCi,
  };
  const blocks: BlockStart[] = [];
  const samplesBefore = ctx.sampler.samples().length;
  const measured = prepared.length
    ? await measureInterleaved(
        prepared.map((p) => ({ name: p.name, block: p.block })),
        plan,
        {
          shouldStop: hooks.shouldStop,
          onBlock: (variant) => {
            if (variant === null) ctx.sampler.tag(-1);
            else {
              blocks.push({ variant, startBytes: rssNow() });
              ctx.sampler.tag(blocks.length - 1);
            }
          },
          onProgress: (p) => setup.progress(p.phase, prepared.map((v) => v.name).join(", "), { elapsedMs: p.elapsedMs, budgetMs: p.budgetMs, rounds: p.rounds }),
        },
      )
    : null;
  const rss = ctx.sampler.samples().slice(samplesBefore);

  const variants = variantFigures(prepared, measured, { flops, backend: ctx.backend, peak: ctx.peak, missingModes, warnings });

  // Kernel-library counters and per-op profiles: after timing, so they cannot disturb it.
  const library: BenchCase["memory"]["library"] = [];
  const profiles: OpProfile[] = [];
  if (!hooks.shouldStop()) {
    for (const p of prepared) {
      if (p.libraryMemory) {
        try {
          library.push(await p.libraryMemory());
        } catch (error) {
          warnings.push(`${p.name}: tfjs memory counters failed: ${reason(error)}`);
        }
      }
    }
    if (prepared.some((p) => p.mode === "graph:ort")) {
      library.push({ mode: "graph:ort", atRestBytes: missing("not reported: onnxruntime-node exposes no arena or allocation statistics"), peakBytes: missing("not reported by onnxruntime-node"), activationPeakBytes: missing("not reported by onnxruntime-node"), source: "onnxruntime: see RSS" });
    }
  }
  if (request.profile) {
    for (const p of prepared) {
      if (hooks.shouldStop() || !p.profile) continue;
      const v = variants.find((x) => x.name === p.name);
      setup.progress("profile", `${p.name}: per-op profile`);
      try {
        profiles.push(await p.profile(profileForwards(v?.ms.median ?? 1)));
      } catch (error) {
        warnings.push(`${p.name}: profile failed: ${reason(error)}`);
      }
    }
  }

  for (const p of prepared) await p.dispose();
  traced?.graph.dispose();
  tf.engine().endScope();
  for (const a of args) a.raw.dispose();

  if (measured?.stopReason === "max-time") warnings.push(`stopped at the ${request.maxTimeS} s limit before every median's 95% CI was within ${(request.targetRelCi * 100).toFixed(1)}%: raise --max-time for tighter figures`);
  return {
    batch: ctx.batch,
    inputs: inputs.map((i) => ({ name: i.name, shape: [...i.value.rawShape], dtype: i.value.dtype })),
    flops,
    cold: setup.cold,
    variants,
    missing: missingModes,
    ratios: ratios(variants),
    picked: request.threads === "auto" ? pickedThreads(variants) : [],
    rounds: measured?.rounds ?? 0,
    elapsedMs: measured?.elapsedMs ?? 0,
    stopReason: measured?.stopReason ?? "stopped",
    memory: caseMemory(rss, blocks, prepared, request.rssIntervalMs, library),
    profiles,
    warnings,
  };
}
