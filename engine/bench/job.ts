/**
 * The benchmark job, run inside the worker (engine/worker/main.ts, a `bench` job): compiles and constructs
 * the user's model once (from its file, or from an editor's text standing for it), optionally
 * measures the machine's matmul peak, then runs each batch size as a case (engine/bench/case.ts)
 * and puts the result together with its provenance. The RSS sampler covers the whole job.
 */
import os from "node:os";
import path from "node:path";
import type { BenchCase, BenchProgress, BenchRequest, BenchResult, Missing, PeakResult } from "../../shared/bench";
import { type Tensor, manual_seed } from "../api";
import { setBackend, setBestBackend } from "../eager/backend";
import { compileModel } from "../model/compile";
import { evaluateModel } from "../model/evaluate";
import { instantiate, parseInputs } from "../model/model-exports";
import { setBundle } from "../model/stack";
import { runCase } from "./case";
import { RSS_SOURCE, peakBytes, startRssSampler } from "../measure/memory";
import { measurePeak, readPeakCache, writePeakCache } from "./peak";
import { benchProvenance } from "./provenance";
import { type JobHooks, missing, now, threadCandidates } from "./variant";

export type { JobHooks } from "./variant";
// Where they lived before the job was split; tests and tools import them from here.
export { ratioPairs } from "./assemble";
export { threadCandidates, withBatch } from "./variant";

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
  const compiled = await compileModel(file, request.source).catch(async (error: unknown) => {
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
