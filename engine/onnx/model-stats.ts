import type { ModelProto } from "./generated/onnx_pb";
import type { BuilderStats } from "./builder";

/**
 * The builder's stats, counted on a finished ModelProto: what an export summary reports after a
 * pass (quantization) has rewritten the model the builder made.
 */
export function modelStats(model: ModelProto): BuilderStats {
  const graph = model.graph;
  const opTypes: Record<string, number> = {};
  for (const node of graph?.node ?? []) {
    const key = node.domain === "" || node.domain === "ai.onnx" ? node.opType : `${node.domain}::${node.opType}`;
    opTypes[key] = (opTypes[key] ?? 0) + 1;
  }
  const initializers = graph?.initializer ?? [];
  return {
    nodes: graph?.node.length ?? 0,
    initializers: initializers.length,
    initializerBytes: initializers.reduce((n, t) => n + t.rawData.byteLength, 0),
    opTypes,
  };
}
