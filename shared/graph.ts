import { z } from "zod";
import { JsonFloat } from "./float";
import { SourceLocation } from "./location";

/** The IR as the GUI, the CLI's --json and saved sessions see it: no tensor data, just structure. */
export const GraphValueRef = z.object({ node: z.string(), index: z.number().int().nonnegative() });

const Attr: z.ZodType<unknown> = z.union([z.number(), z.boolean(), z.string(), z.null(), z.array(z.number()), z.array(z.array(z.number()))]);

export const GraphNodeJSON = z.object({
  name: z.string(),
  kind: z.enum(["input", "parameter", "constant", "call", "output"]),
  op: z.string(),
  inputs: z.array(GraphValueRef.nullable()),
  attrs: z.record(z.string(), Attr),
  types: z.array(z.object({ shape: z.array(z.number().int()), dtype: z.string() })),
  module: z.string().nullable(),
  location: SourceLocation.nullable(),
  outputNames: z.array(z.string()).optional(),
});
export type GraphNodeJSON = z.infer<typeof GraphNodeJSON>;

export const GraphJSON = z.object({ nodes: z.array(GraphNodeJSON) });
export type GraphJSON = z.infer<typeof GraphJSON>;

/** A place where tracing needed a tensor's value: the graph splits there (torch._dynamo.explain). */
export const GraphBreak = z.object({
  reason: z.string(),
  how: z.string(),
  location: SourceLocation.nullable(),
  /** The node whose value was read, when the tracer knows it. */
  tensor: z.string().nullable(),
  /** How many ops the graph had when the break happened. */
  afterOps: z.number().int().nonnegative(),
});
export type GraphBreak = z.infer<typeof GraphBreak>;

export const PassReportJSON = z.object({
  pass: z.string(),
  nodesBefore: z.number().int(),
  nodesAfter: z.number().int(),
  /** One line per change, as the user reads it. */
  changes: z.array(z.string()),
  /**
   * The same changes for programs (the window's graph view): what happened to which nodes. Absent
   * in results saved before it existed, where the window reads `changes` instead.
   */
  effects: z.array(z.object({ kind: z.enum(["removed", "fused", "folded", "merged"]), nodes: z.array(z.string()), into: z.string().nullable() })).optional(),
  /** The IR after this pass, as a table; present when the run asked to explain. */
  irAfter: z.string().optional(),
});
export type PassReportJSON = z.infer<typeof PassReportJSON>;

/**
 * Where a graph output and eager's disagree on a non-finite value: NaN or an infinity in one and
 * not the same in the other, at `index` (the first such place; `count` of them in all).
 */
export const NonFiniteMismatch = z.object({
  index: z.array(z.number().int().nonnegative()),
  actual: JsonFloat,
  expected: JsonFloat,
  count: z.number().int().positive(),
});
export type NonFiniteMismatch = z.infer<typeof NonFiniteMismatch>;

/**
 * How far graph outputs are from eager ones on the same inputs and weights. NaN against NaN and an
 * infinity against the same infinity count as equal; the differences are over the other places,
 * and a place where only one side is non-finite is reported in `mismatch`.
 */
export const Parity = z.object({
  output: z.string(),
  /** Over the places where both are finite (in float64, so always finite themselves). */
  maxAbsDiff: z.number(),
  maxRelDiff: z.number(),
  /** max |finite eager value|: what an absolute difference is measured against. */
  scale: z.number(),
  /** Null when both sides have the same NaNs and infinities (and in results saved before it existed). */
  mismatch: NonFiniteMismatch.nullable().default(null),
  /**
   * Why the values cannot be compared, when they cannot: an output that depends on random ops
   * (randn_like at model.ts:9:20) which onnxruntime draws from its own generator. Null otherwise.
   */
  notCompared: z.string().nullable().default(null),
});
export type Parity = z.infer<typeof Parity>;

/** An exported ONNX file and what checking it found. */
export const ExportSummary = z.object({
  path: z.string(),
  bytes: z.number().int(),
  opset: z.number().int(),
  irVersion: z.number().int(),
  dynamicBatch: z.boolean(),
  nodes: z.number().int(),
  initializers: z.number().int(),
  initializerBytes: z.number().int(),
  opTypes: z.record(z.string(), z.number().int()),
  inputNames: z.array(z.string()),
  outputs: z.array(z.object({ onnx: z.string(), tandem: z.string() })),
  /** The official checker (Python onnx, full_check), when it is installed. */
  checker: z.union([z.object({ ok: z.boolean(), error: z.string().nullable() }), z.object({ skipped: z.string() })]),
  /**
   * The file loaded and run in onnxruntime, against eager outputs on the same inputs, and the
   * verdict: every |ort - eager| <= atol + rtol * max|eager|. The tolerance is float32 noise for a
   * float export and int8 rounding for a quantized one (engine/model/parity.ts says why each).
   * Both default to null for results saved before the verdict existed.
   */
  onnxruntime: z.object({
    ok: z.boolean(),
    error: z.string().nullable(),
    parity: z.array(Parity),
    tolerance: z.object({ atol: z.number(), rtol: z.number() }).nullable().default(null),
    withinTolerance: z.boolean().nullable().default(null),
  }),
  /** What dynamic int8 quantization (--quantize dynamic-int8) did; null for a float export. */
  quantization: z
    .object({
      mode: z.literal("dynamic-int8"),
      /** MatMul / Gemm nodes that now run on int8 weights. */
      nodes: z.number().int(),
      /** Those nodes' weights as float32, and as int8 plus one float scale per output column. */
      weightBytesBefore: z.number().int(),
      weightBytesAfter: z.number().int(),
      /** Largest int8 weight: 64 is onnxruntime's reduce_range (7-bit), which cannot saturate on AVX2. */
      weightRange: z.number().int(),
      /** Matrix products left float, and why (a product of two activations, a convolution...). */
      left: z.array(z.object({ node: z.string(), op: z.string(), reason: z.string() })),
    })
    .nullable()
    .default(null),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

/** What graph mode did for one run: the trace, the passes, and how the graph ran. */
export const GraphRunSummary = z.object({
  runner: z.enum(["tfjs", "ort"]),
  /** onnxruntime's execution provider and settings, for graph:ort. */
  ort: z.object({ executionProvider: z.string(), version: z.string().nullable(), optimizationLevel: z.string(), intraOpThreads: z.number().int(), interOpThreads: z.number().int(), sessionMs: z.number() }).optional(),
  export: ExportSummary.optional(),
  /** Why the run fell back to eager execution, or null when the graph ran. */
  fallback: z.string().nullable(),
  /** How a model with graph breaks ran: as compiled segments with eager glue, as torch.compile does. */
  segments: z
    .object({
      note: z.string(),
      templates: z.number().int(),
      planRuns: z.number().int(),
      eagerSegments: z.number().int(),
      replays: z.number().int(),
    })
    .optional(),
  breaks: z.array(GraphBreak),
  graphCount: z.number().int().positive(),
  opsPerGraph: z.array(z.number().int()),
  callsTraced: z.number().int(),
  callsOptimized: z.number().int(),
  passes: z.array(PassReportJSON),
  /** The traced IR as a table, when the run asked to explain. */
  irTraced: z.string().optional(),
  /** The traced IR, before any pass, as nodes: what the graph view draws as "before". */
  irTracedGraph: GraphJSON.optional(),
  ir: GraphJSON.optional(),
  parity: z.array(Parity),
  timings: z.object({ traceMs: z.number(), passesMs: z.number(), compileMs: z.number() }),
});
export type GraphRunSummary = z.infer<typeof GraphRunSummary>;
