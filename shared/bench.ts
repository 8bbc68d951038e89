import { z } from "zod";
import { BackendInfo, BackendName } from "./backends";
import { RunMode, ModelError, TensorSummary } from "./run";

/**
 * `tandem bench`: the request, the progress events and the result, as the CLI, the GUI and
 * `npm run bench` see them. Times are ms per forward unless a name says otherwise; bytes are bytes.
 * A figure that could not be measured is `{ missing: "<why>" }`, never an estimate.
 */

export const Missing = z.object({ missing: z.string() });
export type Missing = z.infer<typeof Missing>;

/** Modes a user asks for; `ort-bare` is onnxruntime-node called directly (npm run bench's reference). */
export const BenchMode = z.union([RunMode, z.literal("ort-bare")]);
export type BenchMode = z.infer<typeof BenchMode>;

export const BenchRequest = z.object({
  /** The model file; null with `peak` alone (tandem bench --peak). */
  file: z.string().nullable().default(null),
  /** The model's text when it is an editor's buffer rather than what is on disk; compiled as `file`. */
  source: z.string().optional(),
  modes: z.array(BenchMode).min(1).default(["eager", "graph:tfjs", "graph:ort"]),
  /** Dim 0 of every input replaced by each of these; null: the model's own `inputs`. */
  batches: z.array(z.number().int().positive()).nullable().default(null),
  /** onnxruntime intra-op threads to measure, or "auto": every count up to the cores, fastest picked. */
  threads: z.union([z.array(z.number().int().positive()).min(1), z.literal("auto")]).default([1]),
  backend: z.union([BackendName, z.literal("auto")]).default("auto"),
  seed: z.number().int().default(0),
  /** Untimed running of every variant before sampling. */
  warmupS: z.number().nonnegative().default(0.5),
  /** Measure at least this long per batch size, then stop once every median is tight... */
  minTimeS: z.number().nonnegative().default(1),
  /** ...and at most this long per batch size whatever the spread. */
  maxTimeS: z.number().positive().default(10),
  /** Stop when the 95% CI of every variant's median is within this fraction of it. */
  targetRelCi: z.number().positive().default(0.01),
  minBlocks: z.number().int().positive().default(10),
  maxBlocks: z.number().int().positive().default(100_000),
  /** Per-op profiles (eager observer, compiled-plan steps, onnxruntime profiling). */
  profile: z.boolean().default(true),
  /** RSS sampling interval of the sampler thread. */
  rssIntervalMs: z.number().positive().default(5),
  /** Measure the machine's matmul peak in this job (tandem bench --peak). */
  peak: z.boolean().default(false),
  /** Where to cache the peak, so later benches show % of it; null: do not read or write a cache. */
  peakCache: z.string().nullable().default(null),
  /** Write each batch size's exported ONNX file here (npm run bench times it again, bare). */
  onnxDir: z.string().nullable().default(null),
  /** Wall-clock limit of the whole job; the runner kills the worker past it. */
  timeoutMs: z.number().int().positive().optional(),
});
export type BenchRequest = z.infer<typeof BenchRequest>;
export type BenchRequestInput = z.input<typeof BenchRequest>;

/** Time statistics of one variant, ms per forward; `medianCi` is a 95% interval for the median. */
export const TimeSummary = z.object({
  n: z.number().int(),
  mean: z.number(),
  median: z.number(),
  p90: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
  iqr: z.number(),
  iqrOverMedian: z.number(),
  medianCi: z.tuple([z.number(), z.number()]),
});
export type TimeSummary = z.infer<typeof TimeSummary>;

export const BenchVariant = z.object({
  /** "eager", "graph:tfjs", "graph:ort@2t", "ort-bare@1t". */
  name: z.string(),
  mode: BenchMode,
  threads: z.number().int(),
  /** How the thread count was set, e.g. "tfjs-wasm is single-threaded in this build". */
  threadsNote: z.string(),
  /**
   * How this variant ran when not as its mode usually does, e.g. graph:tfjs of a model with graph
   * breaks: compiled segments with eager glue between them. Absent otherwise (and in older results).
   */
  note: z.string().optional(),
  callsPerBlock: z.number().int(),
  ms: TimeSummary,
  /** Per-call samples (ms), in round order: what the statistics and the bootstrap are taken from. */
  samples: z.array(z.number()),
  noisy: z.boolean(),
  gflops: z.union([z.number(), Missing]),
  pctOfPeak: z.union([z.number(), Missing]),
});
export type BenchVariant = z.infer<typeof BenchVariant>;

/**
 * time(a) / time(b) of the medians, with a bootstrap 95% CI over resampled rounds; and of the
 * minimums, which a busy machine disturbs least (noise only ever adds time).
 */
export const BenchRatio = z.object({ a: z.string(), b: z.string(), ratio: z.number(), ci: z.tuple([z.number(), z.number()]), resamples: z.number().int(), minRatio: z.number() });
export type BenchRatio = z.infer<typeof BenchRatio>;

export const ColdCosts = z.object({
  /** esbuild bundle of the user's files, once per job. */
  compileMs: z.number(),
  constructMs: z.number(),
  eagerFirstRunMs: z.union([z.number(), Missing]),
  /** Tracing runs forward once eagerly with an observer; passes and plan are graph:tfjs's. */
  traceMs: z.union([z.number(), Missing]),
  passesMs: z.union([z.number(), Missing]),
  planCompileMs: z.union([z.number(), Missing]),
  planFirstRunMs: z.union([z.number(), Missing]),
  exportMs: z.union([z.number(), Missing]),
  ortSessions: z.array(z.object({ threads: z.number().int(), sessionMs: z.number(), firstRunMs: z.number(), bare: z.boolean() })),
});
export type ColdCosts = z.infer<typeof ColdCosts>;

export const RssPoint = z.object({ tMs: z.number(), bytes: z.number(), variant: z.string().nullable() });

export const VariantMemory = z.object({
  name: z.string(),
  samples: z.number().int(),
  /** Highest RSS seen while this variant's blocks ran. */
  peakBytes: z.union([z.number(), Missing]),
  /** Highest rise above the RSS at the start of one of its blocks: its transient working memory. */
  peakRiseBytes: z.union([z.number(), Missing]),
  /** RSS after setting the variant up (plan, session, weight copies) minus before. */
  setupBytes: z.union([z.number(), Missing]),
});

export const LibraryMemory = z.object({
  mode: z.string(),
  /** tfjs: live bytes of the engine at rest (weights, inputs, constants). */
  atRestBytes: z.union([z.number(), Missing]),
  /** tfjs profile() of one forward: peak live bytes, and that peak above the resting bytes. */
  peakBytes: z.union([z.number(), Missing]),
  activationPeakBytes: z.union([z.number(), Missing]),
  source: z.string(),
});

export const CaseMemory = z.object({
  /** How RSS was read, e.g. process.memoryUsage.rss() in a sampler thread. */
  source: z.string(),
  intervalMs: z.number(),
  samples: z.number().int(),
  peakBytes: z.union([z.number(), Missing]),
  /** Up to a few hundred points, evenly thinned, the peak kept. */
  timeline: z.array(RssPoint),
  variants: z.array(VariantMemory),
  library: z.array(LibraryMemory),
});

export const OpRow = z.object({
  key: z.string(),
  calls: z.number(),
  ms: z.number(),
  pct: z.number(),
  /** The Tandem op a row of another library's names stands for (onnxruntime's Conv: conv2d). */
  op: z.string().optional(),
});
export type OpRow = z.infer<typeof OpRow>;

export const OpProfile = z.object({
  variant: z.string(),
  source: z.string(),
  forwards: z.number().int(),
  /** Sum of the per-op times per forward, and the timed median, to see what the profile covers. */
  profiledMsPerForward: z.number(),
  byOp: z.array(OpRow),
  byModule: z.array(OpRow),
  /** tfjs kernels (eager), with bytes allocated per forward. */
  kernels: z.array(OpRow.extend({ bytes: z.number() })).optional(),
  /**
   * Graph modes: ms per forward of each IR node (of the optimized graph), by node name: a compiled
   * plan's steps, onnxruntime's nodes summed into the IR node they were exported from. What the
   * graph view colours its nodes by.
   */
  byNode: z.record(z.string(), z.number()).optional(),
});
export type OpProfile = z.infer<typeof OpProfile>;

export const FlopCount = z.object({
  total: z.number(),
  byOp: z.record(z.string(), z.number()),
  /** Ops counted as zero (data movement) or unknown to the counter. */
  uncounted: z.array(z.string()),
});
export type FlopCount = z.infer<typeof FlopCount>;

export const BenchCase = z.object({
  batch: z.number().int().nullable(),
  inputs: z.array(TensorSummary),
  flops: z.union([FlopCount, Missing]),
  cold: ColdCosts,
  variants: z.array(BenchVariant),
  /** Modes that could not be measured at this batch size, and why. */
  missing: z.array(z.object({ mode: z.string(), reason: z.string() })),
  ratios: z.array(BenchRatio),
  /** With --threads auto: the count picked per mode, and why. */
  picked: z.array(z.object({ mode: z.string(), threads: z.number().int(), note: z.string() })),
  rounds: z.number().int(),
  elapsedMs: z.number(),
  stopReason: z.enum(["converged", "max-time", "max-blocks", "stopped"]),
  memory: CaseMemory,
  profiles: z.array(OpProfile),
  warnings: z.array(z.string()),
});
export type BenchCase = z.infer<typeof BenchCase>;

export const PeakEntry = z.object({ runtime: z.enum(["tfjs-wasm", "onnxruntime"]), threads: z.number().int(), size: z.number().int(), ms: z.number(), gflops: z.number() });
export const PeakResult = z.object({
  cpu: z.string(),
  time: z.string(),
  versions: z.record(z.string(), z.string()),
  entries: z.array(PeakEntry),
});
export type PeakResult = z.infer<typeof PeakResult>;

export const BenchProvenance = z.object({
  tandemVersion: z.string(),
  gitCommit: z.string(),
  gitDirty: z.union([z.boolean(), z.literal("unknown")]),
  node: z.string(),
  platform: z.string(),
  cpu: z.string(),
  cores: z.number().int(),
  loadAvg1m: z.number(),
  tfjs: z.string(),
  onnxruntime: z.string().nullable(),
  time: z.string(),
});

export const BenchResult = z.object({
  schema: z.literal(1),
  file: z.string(),
  sourceHash: z.string(),
  model: z.object({ className: z.string(), parameters: z.number().int(), parameterBytes: z.number().int(), buffers: z.number().int(), bufferBytes: z.number().int() }),
  backend: BackendInfo,
  provenance: BenchProvenance,
  settings: z.object({ modes: z.array(BenchMode), threads: z.union([z.array(z.number().int()), z.literal("auto")]), warmupS: z.number(), minTimeS: z.number(), maxTimeS: z.number(), targetRelCi: z.number(), seed: z.number().int() }),
  peak: z.union([PeakResult, Missing]),
  cases: z.array(BenchCase),
  /** Stopped early (Ctrl-C, cancel): what was measured up to then. */
  interrupted: z.boolean(),
  warnings: z.array(z.string()),
  /** The worker's RSS over the whole job, from its own sampler thread. */
  rss: z.object({ source: z.string(), samples: z.number().int(), peakBytes: z.union([z.number(), Missing]) }),
  /** RSS of the worker as its parent read it (/proc/<pid>/status VmRSS): an independent check. */
  independentRss: z.union([z.object({ source: z.string(), samples: z.number().int(), peakBytes: z.number() }), Missing]).optional(),
});
export type BenchResult = z.infer<typeof BenchResult>;

/** A result may also come back with only the peak (tandem bench --peak and no model). */
export const BenchOutcome = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: BenchResult.nullable(), peak: z.union([PeakResult, Missing]) }),
  z.object({ ok: z.literal(false), error: ModelError }),
]);
export type BenchOutcome = z.infer<typeof BenchOutcome>;

export const BenchProgress = z.object({
  phase: z.enum(["compile", "setup", "warm-up", "calibrate", "measure", "profile", "peak", "done"]),
  /** Which batch size, 1-based, of how many. */
  caseIndex: z.number().int(),
  cases: z.number().int(),
  elapsedMs: z.number(),
  budgetMs: z.number(),
  rounds: z.number().int(),
  detail: z.string(),
});
export type BenchProgress = z.infer<typeof BenchProgress>;
