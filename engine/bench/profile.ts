/**
 * Per-op profiles, one per mode, each from the place that knows the ops best:
 *
 * - eager: an op observer (engine/eager/dispatch.ts) takes the clock at every op's end; an op's
 *   time is the time since the previous op ended, i.e. its kernel plus everything Tandem's API did
 *   to dispatch it (argument checks, broadcasting, the Tensor wrapper) and any user code in
 *   between. Kernels on wasm and cpu are synchronous, so the clock brackets the real work; the
 *   rows sum to the forward. tfjs's own profile() adds the per-kernel view with bytes.
 * - graph:tfjs: the compiled plan's profile(), a clock around each step.
 * - graph:ort: onnxruntime's own profiler (a separate, profiling session), per node; nodes are
 *   mapped back to the IR node (and so the module) they were exported from.
 *
 * The graph modes also give `byNode`, ms per forward per IR node, for the graph view's heat colours.
 */
import { opForOnnxType } from "../ops/record";
import { fromBinary } from "@bufbuild/protobuf";
import type { OpProfile, OpRow } from "../../shared/bench";
import type { Module } from "../api/nn/module";
import { type OpObserver, setOpObserver } from "../eager/dispatch";
import type { Graph } from "../graph/ir";
import { ModelProtoSchema } from "../onnx/generated/onnx_pb";
import type { OrtProfileEvent } from "../onnx/profile";

export const TOP_ROWS = 25;
const TOP_LEVEL = "(top level)";

class Tally {
  private readonly rows = new Map<string, { calls: number; ms: number; bytes: number }>();
  add(key: string, ms: number, bytes = 0): void {
    const row = this.rows.get(key) ?? { calls: 0, ms: 0, bytes: 0 };
    row.calls++;
    row.ms += ms;
    row.bytes += bytes;
    this.rows.set(key, row);
  }
  get totalCalls(): number {
    let sum = 0;
    for (const r of this.rows.values()) sum += r.calls;
    return sum;
  }
  /** Per forward, largest first, with % of `totalMs` (the per-forward sum). */
  table(forwards: number, totalMs: number, limit = TOP_ROWS): (OpRow & { bytes: number })[] {
    return [...this.rows.entries()]
      .map(([key, r]) => ({ key, calls: r.calls / forwards, ms: r.ms / forwards, pct: totalMs > 0 ? (100 * r.ms) / forwards / totalMs : 0, bytes: r.bytes / forwards }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, limit);
  }
  get totalMs(): number {
    let sum = 0;
    for (const r of this.rows.values()) sum += r.ms;
    return sum;
  }
}

const stripBytes = (rows: (OpRow & { bytes: number })[]): OpRow[] => rows.map(({ key, calls, ms, pct }) => ({ key, calls, ms, pct }));

/**
 * Eager per-op profile: `forward` runs `forwards` times under an observer. Time after the last op
 * of a forward (returning, freeing the scope) is kept as "(after the last op)".
 */
export function profileEager(model: Module, forward: () => void, forwards: number): OpProfile & { opsPerForward: number } {
  const paths = new Map<object, string>(model.named_modules().map(([p, m]) => [m, p]));
  const stack: string[] = [];
  const byOp = new Tally();
  const byModule = new Tally();
  let last = 0;
  const observer: OpObserver = {
    op(def) {
      const t = performance.now();
      const ms = t - last;
      byOp.add(def.name, ms);
      byModule.add(stack[stack.length - 1] || TOP_LEVEL, ms);
      last = performance.now(); // the observer's own work is not charged to the next op
    },
    read() {},
    enterModule(module) {
      stack.push(paths.get(module) || (stack[stack.length - 1] ?? ""));
    },
    exitModule() {
      stack.pop();
    },
  };
  const previous = setOpObserver(observer);
  try {
    for (let i = 0; i < forwards; i++) {
      last = performance.now();
      forward();
      const tail = performance.now() - last;
      byOp.add("(after the last op)", tail);
      byModule.add(TOP_LEVEL, tail);
    }
  } finally {
    setOpObserver(previous);
  }
  const total = byOp.totalMs / forwards;
  return {
    opsPerForward: (byOp.totalCalls - forwards) / forwards, // without the "(after the last op)" rows
    variant: "eager",
    source: "op observer: clock at each op's end; an op's time includes Tandem's dispatch and checks",
    forwards,
    profiledMsPerForward: total,
    byOp: stripBytes(byOp.table(forwards, total)),
    byModule: stripBytes(byModule.table(forwards, total)),
  };
}

export interface KernelRecord {
  name: string;
  ms: number;
  bytesAdded: number;
}

/** tfjs profile() kernels (several forwards' worth) as rows per forward. */
export function kernelRows(kernels: readonly KernelRecord[], forwards: number): (OpRow & { bytes: number })[] {
  const tally = new Tally();
  for (const k of kernels) tally.add(k.name, k.ms, k.bytesAdded);
  return tally.table(forwards, tally.totalMs / forwards);
}

/** Per-node sums as ms per forward, for OpProfile.byNode. */
function perForward(sums: ReadonlyMap<string, number>, forwards: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, ms] of sums) out[name] = ms / forwards;
  return out;
}

/** A timed step of a compiled plan: its IR node (when one graph's names apply), op and module. */
type PlanStep = { name?: string; op: string; module: string | null };

/** Per-op rows from timed plan steps: `runs` lists, per forward, every step that ran and its ms. */
function stepsProfile(runs: readonly (readonly (readonly [PlanStep, number])[])[], variant: string, source: string): OpProfile {
  const byOp = new Tally();
  const byModule = new Tally();
  const byNode = new Map<string, number>();
  for (const run of runs) {
    for (const [step, ms] of run) {
      byOp.add(step.op, ms);
      byModule.add(step.module || TOP_LEVEL, ms);
      if (step.name !== undefined) byNode.set(step.name, (byNode.get(step.name) ?? 0) + ms);
    }
  }
  const forwards = Math.max(1, runs.length);
  const total = byOp.totalMs / forwards;
  return {
    variant,
    source,
    forwards: runs.length,
    profiledMsPerForward: total,
    byOp: stripBytes(byOp.table(forwards, total)),
    byModule: stripBytes(byModule.table(forwards, total)),
    ...(byNode.size ? { byNode: perForward(byNode, forwards) } : {}),
  };
}

/** graph:tfjs: per-step times of the compiled plan, over `runs` profiled runs; a step is an IR node (`name`). */
export function planProfile(steps: readonly PlanStep[], stepMs: readonly number[][], variant: string): OpProfile {
  const runs = stepMs.map((run) => run.flatMap((ms, i): [PlanStep, number][] => (steps[i] ? [[steps[i], ms]] : [])));
  return stepsProfile(runs, variant, "compiled plan profile(): a clock around each step (kernel call, frees)");
}

/**
 * A model with graph breaks: per forward, the steps of every compiled segment it ran. Node names
 * are dropped (each segment is its own graph, so names repeat and match no single graph view),
 * and the eager glue between segments is in no row: profiledMsPerForward falls short of the median
 * by that glue.
 */
export function segmentsProfile(forwards: readonly { steps: readonly PlanStep[]; stepMs: readonly number[] }[][], variant: string): OpProfile {
  const runs = forwards.map((plans) => plans.flatMap((p) => p.stepMs.flatMap((ms, i): [PlanStep, number][] => {
    const step = p.steps[i];
    return step ? [[{ op: step.op, module: step.module }, ms]] : [];
  })));
  return stepsProfile(runs, variant, "compiled segments' plan profile(): a clock around each step; the eager glue between segments is not in the rows");
}

/**
 * Which IR node each ONNX name (node name or output name) came from. The exporter names every
 * value it emits `<IR node name>_<suffix>`, and onnxruntime names the nodes it creates after the
 * node or output they replace (`conv2d_1_relu_nchwc`), so a prefix match recovers the IR node.
 */
export function onnxNameIndex(onnx: Uint8Array, graph: Graph): Map<string, string> {
  const model = fromBinary(ModelProtoSchema, onnx);
  const irNames = graph.nodes.filter((n) => n.kind === "call").map((n) => n.name).sort((a, b) => b.length - a.length);
  const fromValue = (value: string) => irNames.find((ir) => value === ir || value.startsWith(`${ir}_`)) ?? null;
  const index = new Map<string, string>();
  for (const node of model.graph?.node ?? []) {
    const ir = node.output.map(fromValue).find((x) => x !== null);
    if (!ir) continue;
    index.set(node.name, ir);
    for (const out of node.output) index.set(out, ir);
  }
  return index;
}

/**
 * The IR node an onnxruntime node name stands for: the longest known name that it is, or that it
 * continues with "_" or "/" (onnxruntime's "MatMul_6/MatMulAddFusion"). A continuation "_<digits>"
 * is another generated name ("MatMul_6" is not "MatMul"), so it does not count.
 */
export function irNodeFor(ortName: string, index: ReadonlyMap<string, string>): string | null {
  let best: string | null = null;
  let bestLength = -1;
  for (const [key, ir] of index) {
    if (key.length <= bestLength || !ortName.startsWith(key)) continue;
    const rest = ortName.slice(key.length);
    if (rest !== "" && !rest.startsWith("/") && !(rest.startsWith("_") && !/^_\d+(?:$|[_/])/.test(rest))) continue;
    best = ir;
    bestLength = key.length;
  }
  return best;
}

/** graph:ort: onnxruntime's per-node kernel times; the first `skipRuns` model runs are warm-up. */
export function ortProfile(events: readonly OrtProfileEvent[], graph: Graph, onnx: Uint8Array, variant: string, skipRuns = 1): OpProfile {
  const index = onnxNameIndex(onnx, graph);
  const moduleOf = new Map(graph.nodes.map((n) => [n.name, n.module]));
  const byOp = new Tally();
  const byModule = new Tally();
  /** onnxruntime's nodes summed into the IR node each came from; those it added itself have none. */
  const byNode = new Map<string, number>();
  const runs = events.filter((e) => e.category === "Session" && e.name === "model_run").sort((a, b) => a.startUs - b.startUs);
  const from = runs[skipRuns]?.startUs ?? -Infinity;
  const forwards = Math.max(1, runs.length - skipRuns);
  for (const e of events) {
    if (e.category !== "Node" || !e.name.endsWith("_kernel_time") || e.startUs < from) continue;
    const name = e.name.slice(0, -"_kernel_time".length);
    const ir = irNodeFor(name, index);
    const ms = e.durationUs / 1000;
    byOp.add(e.opType ?? "?", ms);
    byModule.add(ir === null ? "(added by onnxruntime)" : moduleOf.get(ir) || TOP_LEVEL, ms);
    if (ir !== null) byNode.set(ir, (byNode.get(ir) ?? 0) + ms);
  }
  const total = byOp.totalMs / forwards;
  return {
    variant,
    source: "onnxruntime profiling (separate session), kernel time per node; node times exclude the session's own overhead",
    forwards,
    profiledMsPerForward: total,
    // Each ONNX type under the op whose record emits it, so rows compare like with like (Conv beside conv2d).
    byOp: stripBytes(byOp.table(forwards, total)).map((r) => ({ ...r, op: opForOnnxType(r.key) })),
    byModule: stripBytes(byModule.table(forwards, total)),
    byNode: perForward(byNode, forwards),
  };
}
