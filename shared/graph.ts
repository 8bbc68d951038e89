import { z } from "zod";
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
  changes: z.array(z.string()),
  /** The IR after this pass, as a table; present when the run asked to explain. */
  irAfter: z.string().optional(),
});

/** How far graph outputs are from eager ones on the same inputs and weights. */
export const Parity = z.object({
  output: z.string(),
  maxAbsDiff: z.number(),
  maxRelDiff: z.number(),
});
export type Parity = z.infer<typeof Parity>;

/** What graph mode did for one run: the trace, the passes, and how the graph ran. */
export const GraphRunSummary = z.object({
  runner: z.enum(["tfjs", "ort"]),
  /** Why the run fell back to eager execution, or null when the graph ran. */
  fallback: z.string().nullable(),
  breaks: z.array(GraphBreak),
  graphCount: z.number().int().positive(),
  opsPerGraph: z.array(z.number().int()),
  callsTraced: z.number().int(),
  callsOptimized: z.number().int(),
  passes: z.array(PassReportJSON),
  /** The traced IR as a table, when the run asked to explain. */
  irTraced: z.string().optional(),
  ir: GraphJSON.optional(),
  parity: z.array(Parity),
  timings: z.object({ traceMs: z.number(), passesMs: z.number(), compileMs: z.number() }),
});
export type GraphRunSummary = z.infer<typeof GraphRunSummary>;
