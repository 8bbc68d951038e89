import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { OnnxBuilder } from "../../onnx/builder";
import type { OnnxData, OnnxDType } from "../../onnx/dtype";
import { ModelProtoSchema } from "../../onnx/generated/onnx_pb";
import { modelStats } from "../../onnx/model-stats";
import { EmitContext } from "../../ops/emit-context";
import { getOp } from "../../ops/record";
import { type Graph, type Node, typeOf } from "../ir";
import { type QuantizeReport, quantizeDynamicInt8 } from "./quantize";

export { OnnxExportError } from "../../ops/emit-context";

export interface ExportOptions {
  opset?: number;
  /** Make dim 0 of every input and output a symbolic "batch" dim. */
  dynamicBatch?: boolean;
  producerVersion: string;
  metadata?: Record<string, string>;
  graphName?: string;
  /** "dynamic-int8": int8 weights for MatMul / Gemm, run on the built model (see quantize.ts). */
  quantize?: "none" | QuantizeReport["mode"];
}

export interface ExportResult {
  bytes: Uint8Array;
  /** ONNX input names in the graph's input order (the model's `inputs` names). */
  inputNames: string[];
  /** ONNX output names, and the Tandem names they stand for ("output[0]" -> "output_0"). */
  outputs: { onnx: string; tandem: string }[];
  stats: ReturnType<OnnxBuilder["stats"]>;
  /** What quantization did; null for a float export. */
  quantization: QuantizeReport | null;
}

const onnxName = (name: string) => name.replace(/[^\w.]/g, "_").replace(/_+$/, "");

function dataOf(node: Node): OnnxData {
  const value = node.value;
  if (!value) throw new Error(`${node.name} has no value to export`);
  const data = value.dataSync();
  return value.dtype === "bool" ? Uint8Array.from(data as Uint8Array) : (data as Float32Array | Int32Array);
}

/**
 * Writes an optimized (or traced) graph as an ONNX model: inputs named as in the model's `inputs`,
 * initializers named by parameter path, one emitter per op. IR version 8 and opset 17 by default,
 * the newest that Debian's onnx 1.12 checker accepts.
 */
export function exportOnnx(graph: Graph, options: ExportOptions): ExportResult {
  const opset = options.opset ?? 17;
  if (opset < 17) throw new Error(`opset ${opset} is not supported: Tandem exports opset 17 or newer (LayerNormalization)`);
  const b = new OnnxBuilder({
    opset,
    irVersion: 8,
    producerName: "tandem",
    producerVersion: options.producerVersion,
    graphName: options.graphName ?? "tandem",
    metadata: options.metadata ?? {},
  });
  const names = new Map<string, string>();
  const batch = options.dynamicBatch ? (graph.inputNodes[0]?.types[0]?.shape[0] ?? null) : null;
  const shapeOf = (shape: readonly number[]) => (batch !== null && shape.length > 0 ? ["batch", ...shape.slice(1)] : [...shape]);

  for (const node of graph.nodes) {
    const key = (i: number) => `${node.id}:${i}`;
    const type = node.types[0];
    switch (node.kind) {
      case "input":
        if (!type) break;
        names.set(key(0), b.input(onnxName(node.name), type.dtype as OnnxDType, shapeOf(type.shape)));
        break;
      case "parameter":
      case "constant": {
        if (!type) break;
        // Parameters keep their paths (fc1.weight); constants get a name the builder has not used.
        const name = node.kind === "parameter" ? onnxName(node.name) : b.uniqueName(onnxName(node.name));
        names.set(key(0), b.initializer(name, type.dtype as OnnxDType, type.shape, dataOf(node)));
        break;
      }
      case "call": {
        const site = { op: node.op, name: node.name, attrs: node.attrs, location: node.location, inputs: node.inputs.map((v) => (v ? typeOf(v) : null)), outputs: node.types };
        const inputNames = node.inputs.map((v) => (v ? (names.get(`${v.node.id}:${v.index}`) ?? "") : ""));
        const ctx = new EmitContext(b, site, inputNames, batch);
        const form = getOp(node.op).onnx;
        if ("unsupported" in form) return ctx.unsupported(form.unsupported);
        const emitted = form.emit(ctx);
        (typeof emitted === "string" ? [emitted] : emitted).forEach((name, i) => names.set(key(i), name));
        break;
      }
      case "output":
        break;
    }
  }

  const out = graph.outputNode;
  const outputs = out.inputs.map((v, i) => {
    const tandem = out.outputNames?.[i] ?? `output_${i}`;
    const onnx = b.uniqueName(onnxName(tandem));
    if (!v) throw new Error("graph output is empty");
    const source = names.get(`${v.node.id}:${v.index}`) as string;
    // Outputs get the names users see; Identity costs nothing once onnxruntime has optimized it.
    b.node("Identity", [source], [onnx]);
    const t = v.node.types[v.index] as { shape: number[]; dtype: string };
    b.output(onnx, t.dtype as OnnxDType, shapeOf(t.shape));
    return { onnx, tandem };
  });
  const inputNames = graph.inputNodes.map((n) => onnxName(n.name));
  if ((options.quantize ?? "none") === "none") return { bytes: b.toBytes(), inputNames, outputs, stats: b.stats(), quantization: null };
  // A pass over the finished ModelProto, as onnxruntime's quantizer is: the float graph is built
  // (and named) exactly as without it, then its matrix products are rewritten.
  const { model, report } = quantizeDynamicInt8(fromBinary(ModelProtoSchema, b.toBytes()));
  return { bytes: toBinary(ModelProtoSchema, model), inputNames, outputs, stats: modelStats(model), quantization: report };
}
