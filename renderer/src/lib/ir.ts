import type { GraphBreak, GraphJSON, GraphRunSummary } from "../../../shared/graph";

/**
 * The graph view's model of an IR: the ops a person reads (calls, inputs, outputs) with the weights
 * they use folded into them, as Netron shows them; the traced IR (before the passes) and the
 * optimized one (after) compared by node name, and the pass reports read for what was fused where.
 */

export interface IrLocation {
  file: string;
  line: number;
  column: number;
}

export type NodeStatus = "kept" | "removed" | "fused" | "new";

export interface ViewNode {
  id: string;
  name: string;
  op: string;
  kind: "input" | "parameter" | "constant" | "call" | "output";
  /** "f32[4,12,32,32]", several joined with ", " */
  type: string;
  module: string | null;
  location: IrLocation | null;
  /** Names of the nodes whose values it takes (drawn as edges), weights excluded. */
  inputs: string[];
  /** Parameters and constants it takes, shown inside it. */
  weights: { name: string; type: string }[];
  /** Attributes worth a line: an activation fused in, strides, ... */
  attrs: string[];
  status: NodeStatus;
  /** Why: "folded into conv2d by fold-batchnorm", "relu fused in by fuse-activations". */
  note: string | null;
  /** A graph break read this node's value. */
  breaks: GraphBreak[];
}

export interface IrView {
  nodes: ViewNode[];
  /** Where the data came from: "json" (the engine's IR) or "table" (the traced IR's text table). */
  from: "json" | "table";
}

const DTYPE: Record<string, string> = { float32: "f32", int32: "i32", bool: "bool", int64: "i64", float64: "f64" };
export const typeText = (t: { shape: number[]; dtype: string }): string => `${DTYPE[t.dtype] ?? t.dtype}[${t.shape.join(",")}]`;

function attrText(name: string, value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  if (name === "activation") return value === "linear" || value === "none" || value === "identity" ? null : `+ ${String(value)}`;
  const text = Array.isArray(value) ? JSON.stringify(value).replaceAll(",", ", ") : String(value);
  return `${name}=${text.length > 28 ? `${text.slice(0, 27)}…` : text}`;
}

const SHOWN_ATTRS = ["activation", "stride", "pads", "groups", "dim", "kernel_size", "shape"];

/**
 * Folds parameter and constant nodes into the calls that take them. A weight nothing takes is kept
 * (a dangling value in the engine's IR) unless `dropUnused`: the table's cut-short argument lists
 * hide some uses, so there an unused weight says nothing.
 */
function foldWeights(nodes: ViewNode[], dropUnused = false): ViewNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const isWeight = (n: ViewNode | undefined) => n !== undefined && (n.kind === "parameter" || n.kind === "constant");
  const used = new Set<string>();
  for (const node of nodes) {
    if (node.kind !== "call" && node.kind !== "output") continue;
    const inputs: string[] = [];
    for (const input of node.inputs) {
      const source = byName.get(input);
      if (source && isWeight(source) && node.kind === "call") {
        node.weights.push({ name: input, type: source.type });
        used.add(input);
      } else inputs.push(input);
    }
    node.inputs = inputs;
  }
  return nodes.filter((n) => !isWeight(n) || (!used.has(n.name) && !dropUnused));
}

/** The engine's IR (after the passes) as view nodes. */
export function fromJson(graph: GraphJSON): ViewNode[] {
  const nodes: ViewNode[] = graph.nodes.map((n) => ({
    id: n.name,
    name: n.name,
    op: n.kind === "call" ? n.op : n.kind,
    kind: n.kind,
    type: n.types.map(typeText).join(", "),
    module: n.module,
    location: n.location,
    inputs: n.inputs.filter((i): i is { node: string; index: number } => i !== null).map((i) => i.node),
    weights: [],
    attrs: SHOWN_ATTRS.map((a) => attrText(a, n.attrs[a])).filter((a): a is string => a !== null),
    status: "kept",
    note: null,
    breaks: [],
  }));
  return foldWeights(nodes);
}

/**
 * The traced IR from its text table (`irTraced`: opcode, name, target, args, type, module,
 * source), for results saved before the traced IR also came as JSON (`irTracedGraph`). Argument lists the table cut
 * short ("…") lose their last edges; locations carry the file's base name.
 */
export function fromTable(table: string): ViewNode[] {
  const lines = table.split("\n");
  const rule = lines.findIndex((l) => /^-+(\s+-+)+\s*$/.test(l));
  const headers = lines[rule - 1];
  const dashes = lines[rule];
  if (rule < 1 || headers === undefined || dashes === undefined) return [];
  const starts: number[] = [];
  for (const m of dashes.matchAll(/-+/g)) starts.push(m.index);
  const columns = starts.map((s, i) => headers.slice(s, starts[i + 1]).trim());
  const col = (name: string) => columns.indexOf(name);
  const cell = (line: string, i: number) => (i < 0 ? "" : line.slice(starts[i], starts[i + 1] ?? line.length).trim());
  const rows = lines.slice(rule + 1).filter((l) => l.trim() && !/^-+/.test(l));
  const names = new Set(rows.map((r) => cell(r, col("name"))));
  const nodes: ViewNode[] = rows.map((row) => {
    const opcode = cell(row, col("opcode")) as ViewNode["kind"];
    const name = cell(row, col("name"));
    const target = cell(row, col("target"));
    const args = cell(row, col("args"));
    const source = /^(.*):(\d+):(\d+)$/.exec(cell(row, col("source")));
    const inputs = (args.match(/[A-Za-z_][\w.]*/g) ?? []).filter((a) => names.has(a) && a !== name);
    return {
      id: name,
      name,
      op: opcode === "call" ? target : opcode,
      kind: ["input", "parameter", "constant", "call", "output"].includes(opcode) ? opcode : "call",
      type: cell(row, col("type")),
      module: cell(row, col("module")) || null,
      location: source?.[1] ? { file: source[1], line: Number(source[2]), column: Number(source[3]) } : null,
      inputs: [...new Set(inputs)],
      weights: [],
      attrs: [],
      status: "kept",
      note: null,
      breaks: [],
    };
  });
  return foldWeights(nodes, true);
}

export interface PassEffect {
  how: "folded" | "fused" | "removed";
  into: string | null;
  pass: string;
}

/** What the pass reports say happened to each node they name: "fused relu_1 (relu) into conv2d_1 (conv2d)". */
export function passEffects(passes: GraphRunSummary["passes"]): Map<string, PassEffect> {
  const effects = new Map<string, PassEffect>();
  for (const report of passes) {
    if (report.effects) {
      for (const e of report.effects) for (const name of e.nodes) effects.set(name, { how: e.into === null ? "removed" : e.kind === "fused" ? "fused" : "folded", into: e.into, pass: report.pass });
      continue;
    }
    // Results saved before reports carried effects: read them from the lines.
    for (const change of report.changes) {
      const into = /^(folded|fused|merged|replaced)\s+([\w.]+).*?\binto\s+([\w.]+)/.exec(change);
      if (into?.[2] && into[3]) {
        effects.set(into[2], { how: into[1] === "fused" ? "fused" : "folded", into: into[3], pass: report.pass });
        continue;
      }
      const removed = /^(removed|dropped|eliminated)\s+([\w.]+)/.exec(change);
      if (removed?.[2]) effects.set(removed[2], { how: "removed", into: null, pass: report.pass });
    }
  }
  return effects;
}

/** Marks what the passes did: on the traced IR, what went; on the optimized IR, what is new or fused. */
export function compare(before: ViewNode[], after: ViewNode[], passes: GraphRunSummary["passes"], breaks: GraphBreak[]): void {
  const effects = passEffects(passes);
  const afterNames = new Set(after.map((n) => n.name));
  const beforeNames = new Set(before.map((n) => n.name));
  for (const node of before) {
    if (afterNames.has(node.name)) continue;
    const effect = effects.get(node.name);
    node.status = effect && effect.how !== "removed" ? "fused" : "removed";
    node.note = effect ? (effect.into ? `${effect.how} into ${effect.into} by ${effect.pass}` : `removed by ${effect.pass}`) : "not in the optimized graph";
  }
  const fusedInto = new Map<string, string[]>();
  for (const [name, effect] of effects) if (effect.into) fusedInto.set(effect.into, [...(fusedInto.get(effect.into) ?? []), name]);
  for (const node of after) {
    const absorbed = fusedInto.get(node.name);
    if (absorbed?.length) {
      node.status = "fused";
      node.note = `absorbed ${absorbed.join(", ")}`;
    } else if (!beforeNames.has(node.name) && node.kind === "call") {
      node.status = "new";
      node.note = "made by the passes";
    }
  }
  markBreaks(before, breaks, true);
  markBreaks(after, breaks, false);
}

/**
 * Puts each graph break on the node it happened at: the tensor whose value was read, else (in the
 * traced graph, whose ops are in trace order) the last op before it, `afterOps` in.
 */
export function markBreaks(nodes: ViewNode[], breaks: GraphBreak[], traced: boolean): void {
  const calls = nodes.filter((n) => n.kind === "call");
  for (const b of breaks) {
    const node = (b.tensor ? nodes.find((n) => n.name === b.tensor) : undefined) ?? (traced && b.afterOps > 0 ? calls[b.afterOps - 1] : undefined);
    if (node && !node.breaks.includes(b)) node.breaks.push(b);
  }
}

/** Top-level modules with submodules ("layer1" of "layer1.conv1"): the groups the view can collapse. */
export function moduleGroups(nodes: ViewNode[]): Set<string> {
  const groups = new Set<string>();
  for (const n of nodes) if (n.module?.includes(".")) groups.add(n.module.slice(0, n.module.indexOf(".")));
  return groups;
}

/** The module group a node belongs to ("layer1" for layer1.conv1, and for layer1's own ops), if any. */
export function groupOf(node: ViewNode, groups: ReadonlySet<string>): string | null {
  const first = node.module?.split(".")[0];
  return first !== undefined && groups.has(first) ? first : null;
}

export function buildViews(summary: GraphRunSummary): { before: IrView | null; after: IrView | null } {
  const after = summary.ir ? fromJson(summary.ir) : null;
  // Results saved before the traced IR came as JSON carry only its table.
  const before = summary.irTracedGraph ? fromJson(summary.irTracedGraph) : summary.irTraced ? fromTable(summary.irTraced) : null;
  if (before && after) compare(before, after, summary.passes, summary.breaks);
  else {
    if (after) markBreaks(after, summary.breaks, false);
    if (before) markBreaks(before, summary.breaks, true);
  }
  return { before: before ? { nodes: before, from: summary.irTracedGraph ? "json" : "table" } : null, after: after ? { nodes: after, from: "json" } : null };
}
