import { create } from "@bufbuild/protobuf";
import { makeAttribute } from "../../onnx/attributes";
import { ModelProtoSchema, NodeProtoSchema, StringStringEntryProtoSchema, TensorProto_DataType, type ModelProto, type NodeProto, type TensorProto } from "../../onnx/generated/onnx_pb";
import { UniqueNames } from "../../onnx/names";
import { floatTensor, int8Tensor } from "../../onnx/tensor-data";
import { type ConstantMatrix, constantMatrix, transpose, type ValueSources } from "./constant-matrix";
import { quantizeColumns, type WeightRange } from "./quantize-weight";

/**
 * Dynamic int8 quantization of a built ONNX model, as onnxruntime's `quantize_dynamic` does it
 * (QuantFormat.QOperator, per_channel): every MatMul or Gemm whose weight is a constant float
 * matrix becomes
 *
 *     x -> DynamicQuantizeLinear -> (x_u8, x_scale, x_zp)        once per activation, shared
 *     MatMulInteger(x_u8, W_s8, x_zp) -> Cast(float) -> Mul(x_scale * W_scale) [-> Add(bias)]
 *
 * with W stored as int8 (symmetric, one scale per output column). Only standard ai.onnx ops, so
 * opset 17 / IR 8 files stay valid for the onnx 1.12 checker; onnxruntime's CPU provider fuses
 * the pattern into its DynamicQuantizeMatMul / MatMulIntegerToFloat kernels (optimization level
 * "extended" and up). Everything else, including MatMuls of two activations, stays float.
 */

export interface QuantizeOptions {
  /**
   * 64 by default: onnxruntime's reduce_range (7-bit weights). Full-range int8 (127) saturates
   * in onnxruntime's AVX2 u8s8 kernel on CPUs without AVX-VNNI: measured on such a CPU, an
   * all-ones [1,2] x [2,1] product came out 1.01 instead of 2, and the MLP example's logits
   * 17% (of their largest value) off instead of 1.5%. A file must give the same answers on
   * every machine it is deployed to, so the range that cannot saturate is the default.
   */
  weightRange?: WeightRange;
}

export interface QuantizeReport {
  mode: "dynamic-int8";
  /** MatMul / Gemm nodes rewritten. */
  nodes: number;
  /** The quantized weights as float32, and as int8 plus their scales: what the file saves. */
  weightBytesBefore: number;
  weightBytesAfter: number;
  weightRange: WeightRange;
  /** Matrix products left float, and why. */
  left: { node: string; op: string; reason: string }[];
}

interface Plan {
  activation: string;
  weight: ConstantMatrix;
  /** Cache key of the int8 weight: the weight's value name, and whether it is read transposed. */
  key: string;
  bias: string | null;
}

const attrOf = (node: NodeProto, name: string) => node.attribute.find((a) => a.name === name);

/** What to do with one node: quantize it (a Plan), leave it with a reason, or null (not a matrix product). */
function planFor(node: NodeProto, sources: ValueSources): Plan | { reason: string } | null {
  if (node.domain !== "" && node.domain !== "ai.onnx") return null;
  if (node.opType === "Conv") return { reason: "convolutions stay float: ConvInteger is not used (MatMul and Gemm only)" };
  if (node.opType !== "MatMul" && node.opType !== "Gemm") return null;
  const [a, b] = node.input as [string, string];
  if (sources.initializers.has(a)) return { reason: "input A is a constant; only a constant B (weight) is quantized" };
  const matrix = constantMatrix(b, sources);
  if (!matrix) {
    const computed = !sources.initializers.has(b);
    return { reason: computed ? "B is computed from activations (a product of two activations), not a constant weight" : "B is not a 2-D float matrix" };
  }
  if (node.opType === "MatMul") return { activation: a, weight: matrix, key: b, bias: null };
  if ((attrOf(node, "transA")?.i ?? 0n) !== 0n) return { reason: "Gemm with transA" };
  for (const name of ["alpha", "beta"]) {
    const f = attrOf(node, name)?.f;
    if (f !== undefined && f !== 1) return { reason: `Gemm with ${name} = ${f}` };
  }
  const transB = (attrOf(node, "transB")?.i ?? 0n) !== 0n;
  return {
    activation: a,
    weight: transB ? transpose(matrix) : matrix,
    key: transB ? `${b}^T` : b,
    bias: node.input[2] || null,
  };
}

export function quantizeDynamicInt8(model: ModelProto, options: QuantizeOptions = {}): { model: ModelProto; report: QuantizeReport } {
  const graph = model.graph;
  if (!graph) throw new Error("quantize: the model has no graph");
  const opset = Number(model.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version ?? 0);
  if (opset < 11) throw new Error(`quantize: opset ${opset} has no DynamicQuantizeLinear (opset 11 and newer)`);
  const weightRange = options.weightRange ?? 64;

  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const producers = new Map<string, NodeProto>();
  const values = new UniqueNames();
  const nodeNames = new UniqueNames();
  for (const v of [...graph.input, ...graph.output]) values.reserve(v.name);
  for (const t of graph.initializer) values.reserve(t.name);
  for (const node of graph.node) {
    nodeNames.reserve(node.name);
    for (const out of node.output) {
      producers.set(out, node);
      values.reserve(out);
    }
  }
  const sources = { initializers, producers };

  const nodes: NodeProto[] = [];
  const added: TensorProto[] = [];
  const report: QuantizeReport = { mode: "dynamic-int8", nodes: 0, weightBytesBefore: 0, weightBytesAfter: 0, weightRange, left: [] };
  const activations = new Map<string, { q: string; scale: string; zp: string }>();
  const weights = new Map<string, { q: string; scale: string }>();
  // Nodes and initializers that only fed weights; removed below once nothing reads them.
  const maybeDead = new Set<NodeProto>();
  const maybeUnused = new Set<string>();

  const emit = (opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, number> = {}) => {
    const where = `quantize: node ${name} (${opType})`;
    const attribute = Object.entries(attrs).map(([k, v]) => makeAttribute(k, v, where));
    nodes.push(create(NodeProtoSchema, { name: nodeNames.fresh(name), opType, input: inputs, output: outputs, attribute }));
  };

  const quantizedActivation = (x: string) => {
    let q = activations.get(x);
    if (!q) {
      // One DynamicQuantizeLinear per activation, however many products read it (Q, K and V).
      q = { q: values.fresh(`${x}_quantized`), scale: values.fresh(`${x}_scale`), zp: values.fresh(`${x}_zero_point`) };
      emit("DynamicQuantizeLinear", [x], [q.q, q.scale, q.zp], `${x}_DynamicQuantizeLinear`);
      activations.set(x, q);
    }
    return q;
  };

  const quantizedWeight = (key: string, m: ConstantMatrix) => {
    let w = weights.get(key);
    if (!w) {
      const base = key.replace(/\^T$/, "");
      const qm = quantizeColumns(m, weightRange);
      w = { q: values.fresh(`${base}_quantized`), scale: values.fresh(`${base}_scale`) };
      added.push(int8Tensor(w.q, [m.rows, m.cols], qm.data), floatTensor(w.scale, [m.cols], qm.scales));
      report.weightBytesBefore += m.data.length * 4;
      report.weightBytesAfter += qm.data.length + qm.scales.length * 4;
      weights.set(key, w);
      m.via.forEach((n) => maybeDead.add(n));
      maybeUnused.add(m.root);
    }
    return w;
  };

  for (const node of graph.node) {
    const plan = planFor(node, sources);
    if (!plan || "reason" in plan) {
      if (plan) report.left.push({ node: node.name, op: node.opType, reason: plan.reason });
      nodes.push(node);
      continue;
    }
    const x = quantizedActivation(plan.activation);
    const w = quantizedWeight(plan.key, plan.weight);
    const base = node.name || (node.output[0] as string);
    const output = node.output[0] as string;
    const int32 = values.fresh(`${output}_int32`);
    const float = values.fresh(`${output}_float`);
    const scale = values.fresh(`${output}_scale`);
    const scaled = plan.bias ? values.fresh(`${output}_unbiased`) : output;
    // Weight zero point left out: 0, symmetric. Names and order as onnxruntime's quantizer writes
    // them, which is the shape its MatMulIntegerToFloat fusion looks for.
    emit("MatMulInteger", [x.q, w.q, x.zp], [int32], `${base}_quant`);
    emit("Cast", [int32], [float], `${base}_cast`, { to: TensorProto_DataType.FLOAT });
    emit("Mul", [x.scale, w.scale], [scale], `${base}_scales_mul`);
    emit("Mul", [float, scale], [scaled], `${base}_output_scale_mul`);
    if (plan.bias) emit("Add", [scaled, plan.bias], [output], `${base}_bias_add`);
    report.nodes++;
  }

  const kept = removeDead(nodes, graph.output.map((o) => o.name), maybeDead);
  const read = new Set(kept.flatMap((n) => n.input));
  for (const n of maybeDead) if (!kept.includes(n)) n.input.forEach((i) => maybeUnused.add(i));
  const initializer = [...graph.initializer.filter((t) => read.has(t.name) || !maybeUnused.has(t.name)), ...added];
  const note = create(StringStringEntryProtoSchema, { key: "tandem.quantization", value: `dynamic-int8, ${report.nodes} matrix products` });
  const metadataProps = [...model.metadataProps, note];
  return { model: create(ModelProtoSchema, { ...model, metadataProps, graph: { ...graph, node: kept, initializer } }), report };
}

/** Drops the `candidates` whose outputs nothing reads any more (a Transpose that fed a weight). */
function removeDead(nodes: NodeProto[], outputs: string[], candidates: ReadonlySet<NodeProto>): NodeProto[] {
  let kept = nodes;
  for (;;) {
    const read = new Set([...outputs, ...kept.flatMap((n) => n.input)]);
    const next = kept.filter((n) => !candidates.has(n) || n.output.some((o) => read.has(o)));
    if (next.length === kept.length) return kept;
    kept = next;
  }
}
