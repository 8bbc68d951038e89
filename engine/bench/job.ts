/**
 * The benchmark job, run inside the bench worker (engine/bench/worker.ts): compiles and constructs
 * the user's model once, then for each batch size sets up every requested variant (eager; traced,
 * optimized and compiled as a tfjs plan; exported and loaded in onnxruntime at each thread count;
 * optionally onnxruntime-node called directly), measures them interleaved, samples RSS throughout,
 * and profiles each one per op. Cold costs are timed as they happen during set-up.
 */
import * as tf from "@tensorflow/tfjs-core";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchCase, BenchMode, BenchProgress, BenchRatio, BenchRequest, BenchResult, BenchVariant, ColdCosts, FlopCount, Missing, OpProfile, PeakResult } from "../../shared/bench";
import type { BackendInfo } from "../../shared/backends";
import { type Tensor, manual_seed, type nn } from "../api";
import { setBackend, setBestBackend } from "../eager/backend";
import { type ExportResult, exportOnnx } from "../graph/export/onnx-export";
import type { Graph } from "../graph/ir";
import { runPasses } from "../graph/passes";
import { type CompiledPlan, compilePlan } from "../graph/plan";
import { type TraceResult, trace } from "../graph/tracer";
import type { FeedTensor } from "../onnx/host-tensor";
import { loadOrt } from "../onnx/ort";
import { type OnnxSession, createSession, detectExecutionProviders } from "../onnx/runtime";
import { compileModel } from "../worker/compile";
import { evaluateModel } from "../worker/evaluate";
import { type InputSpecs, makeInputs } from "../worker/inputs";
import { instantiate, parseInputs } from "../worker/model-exports";
import { TANDEM_VERSION } from "../worker/provenance";
import { currentUserFrame, setBundle } from "../worker/stack";
import { countFlops } from "./flops";
import { type BlockStart, RSS_SOURCE, type RssSampler, peakBytes, rssNow, startRssSampler, thin, variantMemory } from "./memory";
import { measurePeak, peakFor, readPeakCache, writePeakCache } from "./peak";
import { type KernelRecord, kernelRows, ortProfile, planProfile, profileEager } from "./profile";
import { benchProvenance } from "./provenance";
import { bootstrapRatio, isNoisy, summarize } from "./stats";
import { type Block, type MeasurePlan, measureInterleaved } from "./timer";

export interface JobHooks {
  shouldStop(): boolean;
  progress(p: BenchProgress): void;
}

/** At most this many per-call samples per variant go into the result (the statistics use all). */
const MAX_SAMPLES_KEPT = 5000;
const TIMELINE_POINTS = 400;
/** A profile runs forwards for about this long (at least 3, at most 200). */
const PROFILE_MS = 300;

const now = () => performance.now();
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
const missing = (why: string): Missing => ({ missing: why });

/** A variant set up and ready to time. */
interface Prepared {
  name: string;
  mode: BenchMode;
  threads: number;
  threadsNote: string;
  block: Block;
  setupBytes: number;
  /** Per-op profile of this variant, run after timing. */
  profile?: (forwards: number) => Promise<OpProfile>;
  /** tfjs counters for one forward, for the tfjs-backed modes. */
  libraryMemory?: () => Promise<BenchCase["memory"]["library"][number]>;
  dispose(): Promise<void> | void;
}

/** Every input's dim 0 replaced by `batch` (0-d inputs are left alone). */
export function withBatch(specs: InputSpecs, batch: number | null): InputSpecs {
  if (batch === null) return specs;
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      if (Array.isArray(spec)) return [name, spec.length ? [batch, ...spec.slice(1)] : spec];
      return [name, { ...spec, shape: spec.shape.length ? [batch, ...spec.shape.slice(1)] : spec.shape }];
    }),
  );
}

/** Thread counts to try for onnxruntime: the list asked for, or with "auto" 1..cores (up to 8). */
export function threadCandidates(threads: BenchRequest["threads"]): number[] {
  if (threads !== "auto") return [...new Set(threads)];
  return Array.from({ length: Math.min(8, os.cpus().length) }, (_, i) => i + 1);
}

function feedsFor(names: readonly string[], args: readonly Tensor[]): Record<string, FeedTensor> {
  return Object.fromEntries(
    names.map((name, i) => {
      const t = args[i] as Tensor;
      const data = t.raw.dataSync();
      const feed: FeedTensor = t.dtype === "int32" ? { dtype: "int32", shape: t.shape, data: data as Int32Array } : t.dtype === "bool" ? { dtype: "bool", shape: t.shape, data: Uint8Array.from(data) } : { dtype: "float32", shape: t.shape, data: data as Float32Array };
      return [name, feed];
    }),
  );
}

/** tfjs's live bytes at rest and at the peak of one forward (profile()), and its kernels. */
async function tfjsProfile(run: () => void): Promise<{ atRest: number; peak: number; kernels: KernelRecord[] }> {
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

/** How many forwards fill about PROFILE_MS, given a median time. */
const profileForwards = (medianMs: number) => Math.max(3, Math.min(200, Math.ceil(PROFILE_MS / Math.max(medianMs, 1e-3))));

interface CaseContext {
  model: nn.Module;
  modelName: string;
  specs: InputSpecs;
  batch: number | null;
  request: BenchRequest;
  backend: BackendInfo;
  peak: PeakResult | Missing;
  sampler: RssSampler;
  hooks: JobHooks;
  caseIndex: number;
  cases: number;
  compileMs: number;
  constructMs: number;
}

function callable(model: nn.Module): (...a: Tensor[]) => unknown {
  return model as unknown as (...a: Tensor[]) => unknown;
}

async function runCase(ctx: CaseContext): Promise<BenchCase> {
  const { model, request, hooks } = ctx;
  // At most ~10 progress messages a second within a phase: warm-up and measuring report every round.
  let lastPhase = "";
  let lastSent = 0;
  const progress = (phase: BenchProgress["phase"], detail: string, extra: Partial<BenchProgress> = {}) => {
    const t = now();
    if (phase === lastPhase && t - lastSent < 100) return;
    lastPhase = phase;
    lastSent = t;
    hooks.progress({ phase, caseIndex: ctx.caseIndex, cases: ctx.cases, elapsedMs: 0, budgetMs: request.maxTimeS * 1000, rounds: 0, detail, ...extra });
  };
  const inputs = makeInputs(withBatch(ctx.specs, ctx.batch), request.seed);
  const args = inputs.map((i) => i.value);
  const raws = args.map((a) => a.raw);
  const forward = callable(model);
  const modes = new Set(request.modes);
  const threads = threadCandidates(request.threads);
  const warnings: string[] = [];
  const missingModes: BenchCase["missing"] = [];
  const prepared: Prepared[] = [];
  const cold: ColdCosts = {
    compileMs: ctx.compileMs,
    constructMs: ctx.constructMs,
    eagerFirstRunMs: missing("eager not measured"),
    traceMs: missing("not traced"),
    passesMs: missing("not traced"),
    planCompileMs: missing("graph:tfjs not measured"),
    planFirstRunMs: missing("graph:tfjs not measured"),
    exportMs: missing("graph:ort not measured"),
    ortSessions: [],
  };
  const wasmThreads = ctx.backend.features.threads === true;
  const tfjsThreadsNote =
    ctx.backend.name !== "wasm"
      ? `tfjs-${ctx.backend.name}: threads as that backend uses them, not settable here`
      : wasmThreads
        ? "tfjs-wasm runs its own thread pool; its size is not settable"
        : "tfjs-wasm runs single-threaded (this build has no wasm threads)";

  // One scope per forward, as `tandem run` does: each forward's intermediates are freed after it
  // (inside the timed region, as torch frees them), so memory per block does not grow with calls.
  const eagerBlock: Block = (calls) => {
    for (let i = 0; i < calls; i++) {
      tf.engine().startScope();
      forward(...args);
      tf.engine().endScope();
    }
  };

  // Eager first: its first run is the coldest forward at this batch size (tracing runs one too).
  progress("setup", "eager: first run");
  {
    const before = rssNow();
    const start = now();
    eagerBlock(1);
    cold.eagerFirstRunMs = now() - start;
    if (modes.has("eager")) {
      prepared.push({
        name: "eager",
        mode: "eager",
        threads: 1,
        threadsNote: tfjsThreadsNote,
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
  }

  // Trace once: FLOPs come from the traced graph, the graph modes from its optimized form.
  let traced: TraceResult | null = null;
  let flops: FlopCount | Missing = missing("not traced");
  progress("setup", "tracing");
  tf.engine().startScope();
  try {
    const start = now();
    traced = trace(model, args, inputs.map((i) => i.name), { locate: () => currentUserFrame()?.location ?? null });
    cold.traceMs = now() - start;
    flops = countFlops(traced.graph);
  } catch (error) {
    flops = missing(`tracing failed: ${reason(error)}`);
  }
  const graphModes = request.modes.filter((m) => m !== "eager");
  let graph: Graph | null = null;
  if (traced && traced.breaks.length > 0) {
    const n = traced.breaks.length;
    const where = traced.breaks[0]?.location;
    const why = `the model has ${n} graph break${n > 1 ? "s" : ""}${where ? ` (first at ${path.basename(where.file)}:${where.line})` : ""}: a traced graph would hold only the path this input took`;
    for (const m of graphModes) missingModes.push({ mode: m, reason: why });
  } else if (traced) {
    const start = now();
    runPasses(traced.graph, undefined);
    cold.passesMs = now() - start;
    graph = traced.graph;
  } else {
    for (const m of graphModes) missingModes.push({ mode: m, reason: "the model could not be traced" });
  }

  if (graph && modes.has("graph:tfjs")) {
    progress("setup", "graph:tfjs: compiling the plan");
    const before = rssNow();
    try {
      const start = now();
      const plan: CompiledPlan = compilePlan(graph);
      cold.planCompileMs = now() - start;
      const runPlan: Block = (calls) => {
        for (let i = 0; i < calls; i++) for (const t of plan.run(raws)) t.dispose();
      };
      const first = now();
      runPlan(1);
      cold.planFirstRunMs = now() - first;
      prepared.push({
        name: "graph:tfjs",
        mode: "graph:tfjs",
        threads: 1,
        threadsNote: tfjsThreadsNote,
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
      missingModes.push({ mode: "graph:tfjs", reason: `the plan failed: ${reason(error)}` });
    }
  }

  const ortModes = request.modes.filter((m): m is "graph:ort" | "ort-bare" => m === "graph:ort" || m === "ort-bare");
  let exported: ExportResult | null = null;
  if (graph && ortModes.length) {
    progress("setup", "exporting to ONNX");
    try {
      const start = now();
      exported = exportOnnx(graph, { producerVersion: TANDEM_VERSION, graphName: ctx.modelName, metadata: { "tandem.version": TANDEM_VERSION } });
      cold.exportMs = now() - start;
      if (request.onnxDir) {
        mkdirSync(request.onnxDir, { recursive: true });
        writeFileSync(path.join(request.onnxDir, `${ctx.modelName}${ctx.batch === null ? "" : `-b${ctx.batch}`}.onnx`), exported.bytes);
      }
    } catch (error) {
      for (const m of ortModes) missingModes.push({ mode: m, reason: `ONNX export failed: ${reason(error)}` });
    }
  }
  if (exported) {
    const ex = exported;
    const providers = await detectExecutionProviders();
    const provider = providers.find((p) => p.available && p.name !== "cpu")?.name ?? "cpu";
    const feeds = feedsFor(ex.inputNames, args);
    for (const t of threads) {
      const threadsNote = request.threads === "auto" ? "onnxruntime intra-op threads, tried by --threads auto" : "onnxruntime intra-op threads";
      if (modes.has("graph:ort")) {
        progress("setup", `graph:ort: onnxruntime session, ${t} thread${t > 1 ? "s" : ""}`);
        const before = rssNow();
        try {
          const session: OnnxSession = await createSession(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1 });
          const first = now();
          await session.run(feeds);
          cold.ortSessions.push({ threads: t, sessionMs: session.timings.createMs, firstRunMs: now() - first, bare: false });
          const name = `graph:ort@${t}t`;
          prepared.push({
            name,
            mode: "graph:ort",
            threads: t,
            threadsNote,
            block: async (calls) => {
              for (let i = 0; i < calls; i++) await session.run(feeds);
            },
            setupBytes: rssNow() - before,
            profile: async (forwards) => {
              const profiling = await createSession(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1, enableProfiling: true });
              try {
                for (let i = 0; i <= forwards; i++) await profiling.run(feeds);
                return ortProfile(await profiling.endProfiling(), graph as Graph, ex.bytes, name);
              } finally {
                await profiling.release();
              }
            },
            dispose: () => session.release(),
          });
        } catch (error) {
          missingModes.push({ mode: `graph:ort@${t}t`, reason: reason(error) });
        }
      }
      if (modes.has("ort-bare")) {
        progress("setup", `ort-bare: onnxruntime-node session, ${t} thread${t > 1 ? "s" : ""}`);
        const before = rssNow();
        try {
          const ort = await loadOrt();
          const start = now();
          const session = await ort.InferenceSession.create(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: "all" });
          const sessionMs = now() - start;
          const bareFeeds = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.dtype as "float32", f.data as Float32Array, [...f.shape])]));
          const first = now();
          await session.run(bareFeeds);
          cold.ortSessions.push({ threads: t, sessionMs, firstRunMs: now() - first, bare: true });
          prepared.push({
            name: `ort-bare@${t}t`,
            mode: "ort-bare",
            threads: t,
            threadsNote: "onnxruntime-node InferenceSession called directly, inputs made once",
            block: async (calls) => {
              for (let i = 0; i < calls; i++) await session.run(bareFeeds);
            },
            setupBytes: rssNow() - before,
            dispose: () => session.release(),
          });
        } catch (error) {
          missingModes.push({ mode: `ort-bare@${t}t`, reason: reason(error) });
        }
      }
    }
  }

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
          onProgress: (p) => progress(p.phase, prepared.map((v) => v.name).join(", "), { elapsedMs: p.elapsedMs, budgetMs: p.budgetMs, rounds: p.rounds }),
        },
      )
    : null;
  const rss = ctx.sampler.samples().slice(samplesBefore);

  const variants: BenchVariant[] = [];
  prepared.forEach((p, i) => {
    const samples = measured?.samples[i] ?? [];
    if (!samples.length) {
      missingModes.push({ mode: p.name, reason: "stopped before any block was timed" });
      return;
    }
    const ms = summarize(samples);
    const gflops: number | Missing = "missing" in flops ? flops : flops.total / (ms.median * 1e6);
    const peak = ctx.backend.name === "wasm" || p.mode === "graph:ort" || p.mode === "ort-bare" ? peakFor(ctx.peak, p) : missing(`no peak for the ${ctx.backend.name} backend (the peak is measured on wasm)`);
    variants.push({
      name: p.name,
      mode: p.mode,
      threads: p.threads,
      threadsNote: p.threadsNote,
      callsPerBlock: measured?.callsPerBlock[i] ?? 1,
      ms,
      samples: samples.slice(0, MAX_SAMPLES_KEPT),
      noisy: isNoisy(ms),
      gflops,
      pctOfPeak: typeof gflops !== "number" ? gflops : typeof peak !== "number" ? peak : (100 * gflops) / peak,
    });
    if (isNoisy(ms)) warnings.push(`${p.name}: noisy, IQR/median ${(ms.iqrOverMedian * 100).toFixed(0)}%: the machine is busy or the model's time varies`);
  });

  const ratios = ratioPairs(variants).map(([a, b]) => {
    const r = bootstrapRatio(a.samples, b.samples);
    return { a: a.name, b: b.name, ...r, minRatio: a.ms.min / b.ms.min } satisfies BenchRatio;
  });

  const picked: BenchCase["picked"] = [];
  if (request.threads === "auto") {
    for (const mode of new Set(variants.map((v) => v.mode))) {
      const same = variants.filter((v) => v.mode === mode);
      const best = same.reduce((a, b) => (b.ms.median < a.ms.median ? b : a));
      const tried = same.map((v) => `${v.threads}: ${v.ms.median.toFixed(3)} ms`).join(", ");
      picked.push({ mode, threads: best.threads, note: same.length > 1 ? `fastest median of ${tried}` : best.threadsNote });
    }
  }

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
      progress("profile", `${p.name}: per-op profile`);
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

  const peakAll = peakBytes(rss);
  const memory: BenchCase["memory"] = {
    source: RSS_SOURCE,
    intervalMs: request.rssIntervalMs,
    samples: rss.length,
    peakBytes: peakAll ?? missing("no RSS samples were taken"),
    timeline: thin(rss, TIMELINE_POINTS).map((s) => ({ tMs: s.tMs, bytes: s.bytes, variant: s.tag >= 0 ? (prepared[blocks[s.tag]?.variant ?? -1]?.name ?? null) : null })),
    variants: prepared.map((p, i) => {
      const m = variantMemory(rss, blocks, i);
      const none = missing(`no RSS sample landed in its blocks (sampler interval ${request.rssIntervalMs} ms)`);
      return { name: p.name, samples: m.count, peakBytes: m.peak ?? none, peakRiseBytes: m.rise ?? none, setupBytes: p.setupBytes };
    }),
    library,
  };

  if (measured?.stopReason === "max-time") warnings.push(`stopped at the ${request.maxTimeS} s limit before every median's 95% CI was within ${(request.targetRelCi * 100).toFixed(1)}%: raise --max-time for tighter figures`);
  return {
    batch: ctx.batch,
    inputs: inputs.map((i) => ({ name: i.name, shape: [...i.value.shape], dtype: i.value.dtype })),
    flops,
    cold,
    variants,
    missing: missingModes,
    ratios,
    picked,
    rounds: measured?.rounds ?? 0,
    elapsedMs: measured?.elapsedMs ?? 0,
    stopReason: measured?.stopReason ?? "stopped",
    memory,
    profiles,
    warnings,
  };
}

/**
 * The ratios worth a CI: every variant against the first (eager when measured), graph:ort against
 * ort-bare at the same threads (Tandem's own overhead), graph:ort against graph:tfjs, and each
 * thread count against one thread within a mode.
 */
export function ratioPairs<T extends { name: string; mode: string; threads: number }>(variants: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  const seen = new Set<string>();
  const add = (a: T | undefined, b: T | undefined) => {
    if (!a || !b || a === b || seen.has(`${a.name}|${b.name}`)) return;
    seen.add(`${a.name}|${b.name}`);
    pairs.push([a, b]);
  };
  const base = variants[0];
  for (const v of variants.slice(1)) add(v, base);
  const tfjs = variants.find((v) => v.mode === "graph:tfjs");
  for (const v of variants.filter((x) => x.mode === "graph:ort")) {
    add(v, variants.find((x) => x.mode === "ort-bare" && x.threads === v.threads));
    add(v, tfjs);
  }
  for (const v of variants) if (v.threads > 1) add(v, variants.find((x) => x.mode === v.mode && x.threads === 1));
  return pairs;
}

/**
 * Runs the whole job. Console output of the model is muted (a benchmark calls forward thousands of
 * times) and counted. Returns the result (null with --peak and no model) and the peak.
 */
export async function runBenchJob(request: BenchRequest, hooks: JobHooks): Promise<{ result: BenchResult | null; peak: PeakResult | Missing }> {
  const backend = request.backend === "auto" ? await setBestBackend() : await setBackend(request.backend);
  const progress = (phase: BenchProgress["phase"], detail: string) => hooks.progress({ phase, caseIndex: 0, cases: 0, elapsedMs: 0, budgetMs: 0, rounds: 0, detail });

  let peak: PeakResult | Missing = request.peakCache ? readPeakCache(request.peakCache) : missing("no matmul peak: pass --peak to measure it");
  if (request.peak) {
    const ortThreads = [...new Set([1, os.cpus().length, ...threadCandidates(request.threads)])].sort((a, b) => a - b);
    const measuredPeak = await measurePeak({ ortThreads, tfjs: backend.name === "wasm", shouldStop: hooks.shouldStop, onStep: (what) => progress("peak", what) });
    peak = measuredPeak;
    if (request.peakCache && !hooks.shouldStop()) writePeakCache(request.peakCache, measuredPeak);
  }
  if (request.file === null) return { result: null, peak };

  const file = path.resolve(request.file);
  // The sampler covers the whole job (compile to the last profile): its peak is the job's peak.
  const sampler = await startRssSampler(request.rssIntervalMs);
  progress("compile", path.basename(file));
  const compileStart = now();
  const compiled = await compileModel(file).catch(async (error: unknown) => {
    await sampler.stop();
    throw error;
  });
  setBundle(compiled);
  const compileMs = now() - compileStart;

  let printed = 0;
  const levels = ["log", "info", "warn", "error", "debug"] as const;
  const saved = levels.map((l) => [l, console[l]] as const);
  for (const l of levels) console[l] = () => void printed++;
  try {
    manual_seed(request.seed);
    const constructStart = now();
    const exports = evaluateModel(compiled);
    const model = instantiate(exports, file);
    model.eval();
    const constructMs = now() - constructStart;
    const specs = parseInputs(exports, file);
    const batches = request.batches ?? [null];
    const cases: BenchCase[] = [];
    for (const [i, batch] of batches.entries()) {
      if (hooks.shouldStop()) break;
      cases.push(await runCase({ model, modelName: model.constructor.name, specs, batch, request, backend, peak, sampler, hooks, caseIndex: i + 1, cases: batches.length, compileMs, constructMs }));
    }
    const params = model.parameters();
    const buffers = model.named_buffers().map(([, t]) => t);
    const bytes = (ts: Tensor[]) => ts.reduce((n, p) => n + p.numel() * (p.dtype === "bool" ? 1 : 4), 0);
    const provenance = benchProvenance();
    const warnings: string[] = [];
    if (printed) warnings.push(`the model printed ${printed} console lines; they were muted while benchmarking`);
    if (provenance.loadAvg1m > provenance.cores / 2) warnings.push(`machine busy: 1-min load ${provenance.loadAvg1m.toFixed(2)} on ${provenance.cores} cores; figures carry other processes' interference`);
    if (provenance.gitDirty === true) warnings.push("working tree has uncommitted changes: the commit alone does not identify the code measured");
    if (hooks.shouldStop()) warnings.push("stopped early: the figures are what was measured up to then");
    hooks.progress({ phase: "done", caseIndex: cases.length, cases: batches.length, elapsedMs: 0, budgetMs: 0, rounds: 0, detail: "" });
    const all = await sampler.stop();
    return {
      peak,
      result: {
        schema: 1,
        file,
        sourceHash: compiled.sourceHash,
        model: { className: model.constructor.name, parameters: params.reduce((n, p) => n + p.numel(), 0), parameterBytes: bytes(params), buffers: buffers.reduce((n, b) => n + b.numel(), 0), bufferBytes: bytes(buffers) },
        backend,
        provenance,
        settings: { modes: request.modes, threads: request.threads === "auto" ? "auto" : threadCandidates(request.threads), warmupS: request.warmupS, minTimeS: request.minTimeS, maxTimeS: request.maxTimeS, targetRelCi: request.targetRelCi, seed: request.seed },
        peak,
        cases,
        interrupted: hooks.shouldStop(),
        warnings,
        rss: { source: RSS_SOURCE, samples: all.length, peakBytes: peakBytes(all) ?? missing("no RSS samples were taken") },
      },
    };
  } finally {
    for (const [l, fn] of saved) console[l] = fn;
    await sampler.stop(); // a no-op when already stopped
  }
}
