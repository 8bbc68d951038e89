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
