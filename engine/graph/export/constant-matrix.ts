import type { NodeProto, TensorProto } from "../../onnx/generated/onnx_pb";
import { dimsOf, readFloats, readInts } from "../../onnx/tensor-data";
import type { Matrix } from "./quantize-weight";

/** Where a value comes from in a built model: an initializer, or the node that outputs it. */
export interface ValueSources {
  initializers: ReadonlyMap<string, TensorProto>;
  producers: ReadonlyMap<string, NodeProto>;
}

/** A weight matrix computed from initializers alone, and the nodes that computed it. */
export interface ConstantMatrix extends Matrix {
  /** The initializer it was read from. */
  root: string;
  /** The Transpose / Slice nodes between the initializer and the use (removable once unused). */
  via: NodeProto[];
}

export function transpose(m: ConstantMatrix): ConstantMatrix {
  const data = new Float32Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) data[j * m.rows + i] = m.data[i * m.cols + j] as number;
  return { ...m, rows: m.cols, cols: m.rows, data };
}

const readIntsOf = (t: TensorProto | undefined) => (t ? readInts(t) : null);
const intsAttr = (node: NodeProto, name: string) => node.attribute.find((a) => a.name === name)?.ints.map(Number);

/** ONNX Slice on one axis of a 2-D matrix: negative indices count from the end, then clamp. */
function slice(m: ConstantMatrix, axis: number, start: number, end: number): ConstantMatrix {
  const dim = axis === 0 ? m.rows : m.cols;
  const at = (i: number) => Math.min(dim, Math.max(0, i < 0 ? i + dim : i));
  const [s, e] = [at(start), Math.max(at(start), at(end))];
  if (axis === 0) return { rows: e - s, cols: m.cols, data: m.data.slice(s * m.cols, e * m.cols), root: m.root, via: m.via };
  const data = new Float32Array(m.rows * (e - s));
  for (let i = 0; i < m.rows; i++) data.set(m.data.subarray(i * m.cols + s, i * m.cols + e), i * (e - s));
  return { rows: m.rows, cols: e - s, data, root: m.root, via: m.via };
}

/**
 * The 2-D float matrix `name` holds when it is an initializer, or a Transpose or Slice of one:
 * how the exporter writes Linear's W^T and MultiheadAttention's q/k/v projections. onnxruntime
 * would fold those at load time; the quantizer has to see through them to find the weight, as
 * onnxruntime's quantize_dynamic does after its own pre-processing. null for anything else.
 */
export function constantMatrix(name: string, sources: ValueSources): ConstantMatrix | null {
  const init = sources.initializers.get(name);
  if (init) {
    const dims = dimsOf(init);
    const data = readFloats(init);
    if (!data || dims.length !== 2) return null;
    return { rows: dims[0] as number, cols: dims[1] as number, data, root: name, via: [] };
  }
  const node = sources.producers.get(name);
  if (!node || node.domain !== "" || !node.input[0]) return null;
  const from = constantMatrix(node.input[0], sources);
  if (!from) return null;
  const via = { ...from, via: [...from.via, node] };
  if (node.opType === "Transpose") {
    const perm = intsAttr(node, "perm");
    return !perm || perm.length === 0 || (perm[0] === 1 && perm[1] === 0) ? transpose(via) : null;
  }
  if (node.opType === "Slice") {
    // undefined: an optional input left out; null: one that is computed, or not integers.
    const params = node.input.slice(1).map((i) => (i === "" ? undefined : readIntsOf(sources.initializers.get(i))));
    if (params.includes(null)) return null;
    const [starts, ends, axes, steps] = params;
    if (!starts || !ends || starts.length !== 1 || ends.length !== 1) return null;
    if (steps && steps.some((s) => s !== 1)) return null;
    const axis = axes?.[0] ?? 0;
    return slice(via, axis < 0 ? axis + 2 : axis, starts[0] as number, ends[0] as number);
  }
  return null;
}
