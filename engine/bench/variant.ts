/**
 * What the pieces of a benchmark case share: a variant set up and ready to time (`Prepared`), the
 * case's context, and the small helpers every set-up uses. A variant is one way of running the
 * model (eager, a compiled plan, an onnxruntime session at some thread count) at one batch size.
 */
import os from "node:os";
import type { BackendInfo } from "../../shared/backends";
import type { BenchCase, BenchMode, BenchProgress, BenchRequest, ColdCosts, Missing, OpProfile, PeakResult } from "../../shared/bench";
import type { Tensor, nn } from "../api";
import type { InputSpecs } from "../model/inputs";
import type { RssSampler } from "../measure/memory";
import type { Block } from "../measure/timer";

export interface JobHooks {
  shouldStop(): boolean;
  progress(p: BenchProgress): void;
}

export const now = (): number => performance.now();
export const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
export const missing = (why: string): Missing => ({ missing: why });

/** A variant set up and ready to time. */
export interface Prepared {
  name: string;
  mode: BenchMode;
  threads: number;
  threadsNote: string;
  /** How it ran when not as the mode usually does (BenchVariant.note). */
  note?: string;
  block: Block;
  setupBytes: number;
  /** Per-op profile of this variant, run after timing. */
  profile?: (forwards: number) => Promise<OpProfile>;
  /** tfjs counters for one forward, for the tfjs-backed modes. */
  libraryMemory?: () => Promise<BenchCase["memory"]["library"][number]>;
  dispose(): Promise<void> | void;
}

/** One batch size of a job: the model, its inputs' specs, and where progress and samples go. */
export interface CaseContext {
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

/** What the set-up of one case builds up: its variants, cold costs, and the modes it could not set up. */
export interface CaseSetup {
  prepared: Prepared[];
  cold: ColdCosts;
  missingModes: BenchCase["missing"];
  /** Throttled progress of the case, phase by phase. */
  progress: (phase: BenchProgress["phase"], detail: string, extra?: Partial<BenchProgress>) => void;
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

export function callable(model: nn.Module): (...a: Tensor[]) => unknown {
  return model as unknown as (...a: Tensor[]) => unknown;
}

/** The cold costs before any variant is set up: each one is missing until measured. */
export function emptyColdCosts(compileMs: number, constructMs: number): ColdCosts {
  return {
    compileMs,
    constructMs,
    eagerFirstRunMs: missing("eager not measured"),
    traceMs: missing("not traced"),
    passesMs: missing("not traced"),
    planCompileMs: missing("graph:tfjs not measured"),
    planFirstRunMs: missing("graph:tfjs not measured"),
    exportMs: missing("graph:ort not measured"),
    ortSessions: [],
  };
}
