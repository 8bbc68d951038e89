import { z } from "zod";
import { BackendInfo } from "./backends";
import { Diagnostic } from "./diagnostics";
import { JsonFloat } from "./float";
import { GraphRunSummary } from "./graph";
import { SourceLocation } from "./location";

export { SourceLocation };

export const ErrorKind = z.enum([
  "syntax", // the file does not parse or an import cannot be resolved
  "export", // no usable default export, or a malformed `inputs`
  "shape", // an op got shapes (or dims, dtypes) it cannot work on
  "runtime", // anything else user code threw
  "timeout", // the worker ran past its time limit and was stopped
  "crash", // the worker process died
  "oom", // the worker ran out of memory
  "unsupported", // an op the chosen mode cannot handle (an op with no ONNX mapping)
  "backend", // the requested backend cannot run here
  "internal", // a bug in Tandem
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const ModelError = z.object({
  kind: ErrorKind,
  /** One line, with the op and shapes where there are some; the location is kept apart. */
  message: z.string(),
  location: SourceLocation.nullable(),
  /** The stack mapped to the user's sources, engine frames dropped. */
  stack: z.array(z.string()),
  op: z.string().nullable(),
});
export type ModelError = z.infer<typeof ModelError>;

export const LogLevel = z.enum(["log", "info", "warn", "error", "debug", "stdout", "stderr"]);
export const LogEntry = z.object({
  level: LogLevel,
  text: z.string(),
  location: SourceLocation.nullable(),
});
export type LogEntry = z.infer<typeof LogEntry>;

/**
 * eager runs op by op; graph:tfjs traces, optimizes and runs a compiled plan on the same kernels;
 * graph:ort exports the optimized graph to ONNX and runs it in onnxruntime.
 */
export const RunMode = z.enum(["eager", "graph:tfjs", "graph:ort"]);
export type RunMode = z.infer<typeof RunMode>;

/** Weight quantization of an ONNX export: none, or int8 weights with activations quantized per call (onnxruntime's quantize_dynamic). */
export const Quantize = z.enum(["none", "dynamic-int8"]);
export type Quantize = z.infer<typeof Quantize>;

export const RunRequest = z.object({
  file: z.string(),
  /**
   * The model's text when it is not (or not yet) what is on disk, e.g. an editor's buffer: it is
   * compiled, type-checked and reported as `file`, whose directory its relative imports resolve from.
   */
  source: z.string().optional(),
  mode: RunMode.default("eager"),
  backend: z.union([BackendInfo.shape.name, z.literal("auto")]).default("auto"),
  seed: z.number().int().default(0),
  /** Wall-clock limit for the whole job in the worker, compile included. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Warm forward passes after the first (cold) one, to report a steady-state time. */
  repeat: z.number().int().min(0).max(1000).default(3),
  /** Type-check the model (in the worker, after the run; as a job of its own when the run took the worker down) and report what it finds. */
  typecheck: z.boolean().default(true),
  /** Graph passes to run, by name; the default pipeline when absent. */
  passes: z.array(z.string()).optional(),
  /** Write the optimized graph as an ONNX file (tandem export), and check it. */
  export: z.object({ path: z.string(), opset: z.number().int().min(17).default(17), dynamicBatch: z.boolean().default(false), quantize: Quantize.default("none") }).optional(),
  /** onnxruntime settings for graph:ort. */
  ort: z.object({
    optimizationLevel: z.enum(["disabled", "basic", "extended", "all"]).default("all"),
    intraOpThreads: z.number().int().nonnegative().default(1),
    interOpThreads: z.number().int().nonnegative().default(1),
  }).default({ optimizationLevel: "all", intraOpThreads: 1, interOpThreads: 1 }),
  /** Keep the IR text after each pass in the result (tandem graph). */
  explain: z.boolean().default(false),
  /** Values per output kept in the result. */
  previewValues: z.number().int().min(0).max(10_000).default(8),
});
export type RunRequest = z.infer<typeof RunRequest>;
export type RunRequestInput = z.input<typeof RunRequest>;

export const DTypeName = z.enum(["float32", "int32", "bool"]);

export const TensorSummary = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: DTypeName,
});

export const OutputSummary = TensorSummary.extend({
  /** The first `previewValues` values, row-major; NaN and infinities spelled out (shared/float.ts). */
  preview: z.array(JsonFloat),
  /** Sum of all values (float64 accumulation), a quick fingerprint to compare runs by eye. */
  sum: JsonFloat,
  /** Of the raw little-endian bytes: equal digests mean bit-identical outputs. */
  sha256: z.string(),
  hasNaN: z.boolean(),
  /** Whether some value is +-Infinity; false in results saved before it was recorded. */
  hasInf: z.boolean().default(false),
});
export type OutputSummary = z.infer<typeof OutputSummary>;

export const RunResult = z.object({
  file: z.string(),
  /** sha256 of the model's bundled sources (the file and what it imports). */
  sourceHash: z.string(),
  mode: RunMode,
  backend: BackendInfo,
  seed: z.number().int(),
  model: z.object({
    className: z.string(),
    parameters: z.number().int().nonnegative(),
    parameterBytes: z.number().int().nonnegative(),
  }),
  inputs: z.array(TensorSummary),
  outputs: z.array(OutputSummary),
  timings: z.object({
    compileMs: z.number(),
    constructMs: z.number(),
    firstForwardMs: z.number(),
    /** Median of the warm passes; null when none were asked for. */
    warmForwardMs: z.number().nullable(),
    /** 90th percentile of the warm passes; null when none were asked for. */
    p90ForwardMs: z.number().nullable(),
    warmRuns: z.number().int(),
    /** Every warm pass, in order: what compare's confidence intervals resample. */
    samplesMs: z.array(z.number()),
  }),
  /**
   * The worker's resident memory while the forward passes ran (a sampler thread reads it), and
   * before them (weights and inputs made): process-wide, so the runtime's own arenas count too.
   */
  memory: z.object({
    source: z.string(),
    samples: z.number().int(),
    /** Null where only the peak is known (a bench variant whose rise could not be measured). */
    baselineBytes: z.number().nullable(),
    peakBytes: z.number().nullable(),
  }),
  logs: z.array(LogEntry),
  /** What graph mode did; null in eager mode. */
  graph: GraphRunSummary.nullable(),
  /** Type errors in the model's sources; they do not stop an eager run. */
  diagnostics: z.array(Diagnostic),
  provenance: z.object({
    tandemVersion: z.string(),
    node: z.string(),
    platform: z.string(),
    cpu: z.string(),
    time: z.string(),
  }),
});
export type RunResult = z.infer<typeof RunResult>;

export const RunOutcome = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: RunResult }),
  z.object({ ok: z.literal(false), error: ModelError, logs: z.array(LogEntry), diagnostics: z.array(Diagnostic) }),
]);
export type RunOutcome = z.infer<typeof RunOutcome>;
