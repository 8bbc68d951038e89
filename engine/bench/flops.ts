/**
 * FLOPs of one forward, counted from the traced IR (shapes are exact there). The rules, kept
 * deliberately simple and the same for every mode, so GFLOP/s compare across modes:
 *
 * - matrix products count 2 FLOPs per multiply-accumulate:
 *   linear     x [..., K] · W[N, K]ᵀ      2·M·N·K   (+ M·N for a bias, + M·N for a fused activation)
 *   matmul     [..., M, K] · [..., K, N]  2·(output numel)·K
 *   conv2d     2·(output numel)·(C_in / groups)·kH·kW   (+ output numel for a bias / fused activation)
 *   attention  scaled_dot_product_attention: 2·B·L·S·E (QKᵀ) + 2·B·L·S·Ev (·V) + 3·B·L·S (softmax);
 *              multi_head_attention adds its q, k, v in-projections (2·N·L·E·E each; the
 *              out-projection is a separate linear node)
 * - elementwise ops (add, mul, relu, gelu, exp, where, ...): 1 per output element;
 * - reductions (sum, mean, max, argmax...): 1 per input element; softmax / log_softmax 3 per
 *   element (max, exp, normalise); layer_norm 5 per element; batch_norm 2 (scale and shift: eval);
 * - pooling: max/avg pool kH·kW per output element; adaptive_avg_pool2d 1 per input element;
 * - data movement (reshape, view, permute, transpose, cat, slice, embedding lookups, casts,
 *   dropout in eval): 0, listed as uncounted.
 *
 * The count is taken on the graph as traced, before passes, so folding a BatchNorm into a
 * convolution does not change the model's FLOPs (it changes how fast they run).
 */
import type { FlopCount } from "../../shared/bench";
import { Interpreter } from "../graph/interpreter";
import { type Graph, type Node, type TensorType, typeOf } from "../graph/ir";

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const ELEMENTWISE = new Set([
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "neg", "exp", "log", "sqrt", "rsqrt", "abs", "sin", "cos", "erf",
  "clamp", "relu", "sigmoid", "tanh", "gelu", "silu", "where", "gt", "lt", "ge", "le", "eq", "ne",
]);
const REDUCTIONS = new Set(["sum", "mean", "max", "min", "max_dim", "min_dim", "argmax", "argmin"]);
const DATA_MOVEMENT = new Set([
  "reshape", "view", "flatten", "permute", "transpose", "unsqueeze", "squeeze", "expand", "cat", "stack", "split", "select", "narrow", "to", "dropout", "embedding",
]);

/** FLOPs of one call node, or null when the counter does not know the op. */
export function nodeFlops(node: Node): number | null {
  const input = (i: number) => {
    const v = node.inputs[i];
    return v ? typeOf(v).shape : null;
  };
  const out = node.types[0]?.shape ?? [];
  const outN = numel(out);
  const activation = node.attrs.activation !== undefined && node.attrs.activation !== "linear" ? outN : 0;
  switch (node.op) {
    case "linear": {
      const w = input(1) as number[]; // [N, K], PyTorch's layout in the IR
      const k = w[1] as number;
      return 2 * outN * k + (node.inputs[2] ? outN : 0) + activation;
    }
    case "matmul": {
      const a = input(0) as number[];
      const k = a[a.length - 1] as number;
      return 2 * outN * k;
    }
    case "conv2d": {
      const w = input(1) as number[]; // [C_out, C_in / groups, kH, kW]
      const perOutput = (w[1] as number) * (w[2] as number) * (w[3] as number);
      return 2 * outN * perOutput + (node.inputs[2] ? outN : 0) + activation;
    }
    case "scaled_dot_product_attention": {
      const q = input(0) as number[];
      const k = input(1) as number[];
      const v = input(2) as number[];
      const batch = numel(q.slice(0, -2));
      const [l, e] = q.slice(-2) as [number, number];
      const s = k[k.length - 2] as number;
      const ev = v[v.length - 1] as number;
      return 2 * batch * l * s * e + 2 * batch * l * s * ev + 3 * batch * l * s;
    }
    case "multi_head_attention": {
      const q = input(0) as number[];
      const k = input(1) as number[];
      const heads = node.attrs.num_heads as number;
      const e = q[q.length - 1] as number;
      const l = q[q.length - 2] ?? 1;
      const s = k[k.length - 2] ?? 1;
      const n = q.length === 3 ? numel(q) / (l * e) : 1;
      const d = e / heads;
      const projections = 2 * n * l * e * e + 2 * 2 * n * s * e * e;
      return projections + 2 * n * heads * l * s * d * 2 + 3 * n * heads * l * s;
    }
    case "softmax":
    case "log_softmax":
      return 3 * outN;
    case "layer_norm":
      return 5 * outN;
    case "batch_norm":
      return 2 * outN;
    case "max_pool2d":
    case "avg_pool2d": {
      const kernel = node.attrs.kernel as readonly number[] | number | undefined;
      const k = Array.isArray(kernel) ? numel(kernel as number[]) : typeof kernel === "number" ? kernel * kernel : 1;
      return outN * k;
    }
    case "adaptive_avg_pool2d":
      return numel(input(0) ?? out);
    default:
      if (ELEMENTWISE.has(node.op)) return outN;
      if (REDUCTIONS.has(node.op)) return numel(input(0) ?? out);
      if (DATA_MOVEMENT.has(node.op)) return 0;
      return null;
  }
}

/**
 * Counts as it interprets the graph on types: the values are tensor types (the IR's own, exact
 * for a traced graph), and each call node adds its FLOPs by the rules above.
 */
class FlopCounter extends Interpreter<TensorType> {
  readonly byOp: Record<string, number> = {};
  readonly uncounted = new Set<string>();
  total = 0;

  protected override placeholder(node: Node): TensorType {
    return node.types[0] as TensorType;
  }

  protected getAttr(node: Node): TensorType {
    return node.types[0] as TensorType;
  }

  protected callNode(node: Node): TensorType[] {
    const f = nodeFlops(node);
    if (f === null || f === 0) this.uncounted.add(f === null ? `${node.op} (unknown to the counter)` : node.op);
    else {
      this.byOp[node.op] = (this.byOp[node.op] ?? 0) + f;
      this.total += f;
    }
    return node.types;
  }
}

/** Total FLOPs of the graph, per op type; ops counted as zero or unknown are listed apart. */
export function countFlops(graph: Graph): FlopCount {
  const counter = new FlopCounter(graph);
  counter.run([]);
  return { total: counter.total, byOp: counter.byOp, uncounted: [...counter.uncounted].sort() };
}
