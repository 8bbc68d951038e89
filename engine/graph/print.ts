import type { GraphJSON } from "../../shared/graph";
import { type Graph, type Node, type TensorType, valueName } from "./ir";
import path from "node:path";

const DTYPE_SHORT: Record<string, string> = { float32: "f32", int32: "i32", bool: "bool" };

export const formatType = (t: TensorType): string => `${DTYPE_SHORT[t.dtype] ?? t.dtype}[${t.shape.join(",")}]`;

function target(n: Node): string {
  if (n.kind === "call" || n.kind === "output") return n.op;
  return n.kind === "constant" ? "constant" : n.name;
}

function args(n: Node): string {
  const list = n.inputs.map(valueName);
  if (n.kind === "output" && n.outputNames) return `(${list.map((v, i) => `${n.outputNames?.[i]}=${v}`).join(", ")})`;
  return `(${list.join(", ")})`;
}

/** The IR as a table, like torch.fx's print_tabular: one line per node. */
export function printGraph(graph: Graph): string {
  const rows = graph.nodes.map((n) => [
    n.kind,
    n.name,
    target(n),
    args(n),
    n.types.map(formatType).join(" "),
    n.module ?? "",
    n.location ? `${path.basename(n.location.file)}:${n.location.line}:${n.location.column}` : "",
  ]);
  const header = ["opcode", "name", "target", "args", "type", "module", "source"];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] as string).length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > (widths[i] as number) ? `${c.slice(0, (widths[i] as number) - 1)}…` : c.padEnd(widths[i] as number))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function graphToJSON(graph: Graph): GraphJSON {
  return {
    nodes: graph.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      op: n.op,
      inputs: n.inputs.map((v) => (v === null ? null : { node: v.node.name, index: v.index })),
      attrs: Object.fromEntries(Object.entries(n.attrs).filter(([, v]) => v !== undefined)),
      types: n.types.map((t) => ({ shape: [...t.shape], dtype: t.dtype })),
      module: n.module,
      location: n.location,
      ...(n.outputNames ? { outputNames: n.outputNames } : {}),
    })),
  };
}
