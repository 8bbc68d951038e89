import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "../api/nn/module";
import type { Tensor } from "../api/tensor";
import { type OpInput, type OpInterceptor, type OpObserver, setOpInterceptor, setOpObserver } from "../eager/dispatch";
import { flattenOutputs } from "../eager/outputs";
import type { OpAttrs, OpDef } from "../eager/registry";
import { Graph, type TensorType, type Value } from "./ir";
import { runPasses } from "./passes";
import { PendingTensor } from "./pending";
import { type CompiledPlan, compilePlan } from "./plan";

/** Where an op's input comes from: a tensor from outside the segment, or an earlier op of it. */
type Ref = { ext: number } | { op: number; index: number } | null;

interface RecordedOp {
  def: OpDef;
  attrs: OpAttrs;
  inputs: Ref[];
  types: TensorType[];
  outputs: Tensor[];
  module: string | null;
  signature: string;
}

/** A compiled graph for one stretch of ops between graph breaks, with the guards that select it. */
interface Template {
  signatures: string[];
  /** Output types per op: what the deferred outputs' shapes and dtypes will be. */
  types: TensorType[][];
  /** Parameters (and buffers) by external slot: the same tensor objects must come back. */
  params: Map<number, Tensor>;
  /** Which values leave the segment, in the plan's output order. */
  liveOut: { op: number; index: number }[];
  plan: CompiledPlan;
}

interface Segment {
  ops: RecordedOp[];
  externals: Tensor[];
  extSlot: Map<Tensor, number>;
  /** Templates whose ops so far equal this segment's. */
  candidates: Template[];
  /** Off every template's path: ops run eagerly from here to the segment's end. */
  eager: boolean;
}

export interface SegmentStats {
  /** Segments computed by a compiled plan. */
  planRuns: number;
  /** Segments run op by op (first call, or a path no template covers). */
  eagerSegments: number;
  /** Values computed late by replaying a segment (read although the plan did not keep them). */
  replays: number;
  templates: number;
}

const typeKey = (t: Tensor) => `${t.dtype}[${t.rawShape.join(",")}]`;

/**
 * Graph mode for models with graph breaks, the way torch.compile runs them: the forward's ops
 * are deferred and collected until a value is read (a graph break) or forward returns; the ops
 * collected so far form a segment. A segment that matches a compiled template (same ops, same
 * wiring, same input shapes, same parameters) runs as one optimized plan; the user's code between
 * segments (the glue) runs eagerly with the values it read. A segment no template covers runs
 * eagerly and becomes a template for the next call.
 */
export class SegmentExecutor {
  private readonly templates: Template[] = [];
  private readonly params: Set<Tensor>;
  private readonly paths: Map<object, string>;
  readonly stats: SegmentStats = { planRuns: 0, eagerSegments: 0, replays: 0, templates: 0 };
  /**
   * When set (a bench's per-op profile), each compiled segment runs through its plan's profile(),
   * a clock around every step, and hands the step times here; unset, plans run without clocks.
   */
  onPlanRun: ((steps: CompiledPlan["steps"], stepMs: number[]) => void) | null = null;

  constructor(private readonly model: Module) {
    this.params = new Set([...model.parameters(), ...model.buffers()]);
    this.paths = new Map(model.named_modules().map(([p, m]) => [m, p]));
  }

  /** Runs forward once; returns its outputs by name, every value computed. */
  run(args: readonly Tensor[]): [string, Tensor][] {
    const call = new ForwardCall(this);
    const previousInterceptor = setOpInterceptor(call);
    const previousObserver = setOpObserver(call);
    let outputs: [string, Tensor][];
    try {
      const result = (this.model as unknown as (...a: readonly Tensor[]) => unknown)(...args);
      outputs = flattenOutputs(result);
      for (const [, t] of outputs) call.escape(t);
      call.endSegment();
      for (const [, t] of outputs) void t.raw; // settle pending outputs
    } finally {
      setOpInterceptor(previousInterceptor);
      setOpObserver(previousObserver);
    }
    for (const segment of call.finished) if (segment.eager) this.learn(segment, call.escaped);
    return outputs;
  }

  matching(): Template[] {
    return this.templates;
  }

  modulePath(module: object): string | undefined {
    return this.paths.get(module);
  }

  isParam(t: Tensor): boolean {
    return this.params.has(t);
  }

  /** Compiles a segment that ran eagerly into a template, keeping the values that left it. */
  private learn(segment: Segment, escaped: ReadonlySet<Tensor>): void {
    const signatures = segment.ops.map((o) => o.signature);
    const params = new Map<number, Tensor>();
    segment.externals.forEach((t, slot) => this.isParam(t) && params.set(slot, t));
    if (this.templates.some((t) => t.signatures.join("\n") === signatures.join("\n") && sameParams(t.params, params))) return;
    const liveOut: { op: number; index: number }[] = [];
    segment.ops.forEach((o, op) => o.outputs.forEach((t, index) => escaped.has(t) && liveOut.push({ op, index })));
    if (liveOut.length === 0) return;
    const graph = segmentGraph(segment, params, liveOut);
    runPasses(graph);
    const plan = compilePlan(graph);
    graph.dispose();
    this.templates.push({ signatures, types: segment.ops.map((o) => o.types), params, liveOut, plan });
    this.stats.templates = this.templates.length;
  }

  dispose(): void {
    for (const t of this.templates) t.plan.dispose();
  }
}

const sameParams = (a: ReadonlyMap<number, Tensor>, b: ReadonlyMap<number, Tensor>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** The IR of one segment: externals become inputs (parameters keep their values), live values outputs. */
function segmentGraph(segment: Segment, params: ReadonlyMap<number, Tensor>, liveOut: { op: number; index: number }[]): Graph {
  const graph = new Graph();
  const ext: Value[] = segment.externals.map((t, slot) => {
    const types = [{ shape: [...t.rawShape], dtype: t.dtype }];
    const node = params.has(slot)
      ? graph.add({ kind: "parameter", op: "parameter", name: `param${slot}`, types, value: tf.keep(tf.clone(t.raw)) })
      : graph.add({ kind: "input", op: "input", name: `ext${slot}`, types });
    return { node, index: 0 };
  });
  const produced: Value[][] = [];
  segment.ops.forEach((o) => {
    const inputs = o.inputs.map((r) => (r === null ? null : "ext" in r ? (ext[r.ext] as Value) : (produced[r.op]?.[r.index] as Value)));
    const node = graph.add({ kind: "call", op: o.def.name, name: o.def.name, inputs, attrs: o.attrs, types: o.types, module: o.module });
    produced.push(o.types.map((_, index) => ({ node, index })));
  });
  const outs = liveOut.map((l) => produced[l.op]?.[l.index] as Value);
  graph.add({ kind: "output", op: "output", name: "output", inputs: outs, types: outs.map((v) => v.node.types[v.index] as TensorType) });
  return graph;
}

/** The state of one forward call under the executor: the open segment and what escaped it. */
class ForwardCall implements OpInterceptor, OpObserver {
  readonly finished: Segment[] = [];
  readonly escaped = new Set<Tensor>();
  private segment: Segment;
  /** Which segment and op produced each tensor of this call. */
  private readonly origin = new Map<Tensor, { segment: Segment; op: number; index: number }>();
  private readonly modules: string[] = [];

  constructor(private readonly executor: SegmentExecutor) {
    this.segment = this.newSegment();
  }

  private newSegment(): Segment {
    return { ops: [], externals: [], extSlot: new Map(), candidates: [...this.executor.matching()], eager: false };
  }

  escape(t: Tensor): void {
    this.escaped.add(t);
  }

  private ref(t: Tensor | null): Ref {
    if (t === null) return null;
    const from = this.origin.get(t);
    if (from && from.segment === this.segment) return { op: from.op, index: from.index };
    if (from) this.escaped.add(t); // a value crossing into a later segment
    let slot = this.segment.extSlot.get(t);
    if (slot === undefined) {
      slot = this.segment.externals.length;
      this.segment.externals.push(t);
      this.segment.extSlot.set(t, slot);
    }
    return { ext: slot };
  }

  private record(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, types: TensorType[]): RecordedOp {
    const refs = inputs.map((t) => this.ref(t));
    const wiring = refs.map((r, i) => {
      if (r === null) return "-";
      if ("op" in r) return `o${r.op}.${r.index}`;
      const t = inputs[i] as Tensor;
      return `e${r.ext}:${typeKey(t)}${this.executor.isParam(t) ? "p" : ""}`;
    });
    const signature = `${def.name}(${wiring.join(",")})${JSON.stringify(attrs)}`;
    return { def, attrs, inputs: refs, types, outputs: [], module: this.modules[this.modules.length - 1] ?? null, signature };
  }

  private adopt(op: RecordedOp, outputs: Tensor[]): void {
    op.outputs = outputs;
    const index = this.segment.ops.length;
    this.segment.ops.push(op);
    outputs.forEach((t, i) => this.origin.set(t, { segment: this.segment, op: index, index: i }));
  }

  intercept(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs): Tensor[] | null {
    if (this.segment.eager) return null;
    const k = this.segment.ops.length;
    const probe = this.record(def, inputs, attrs, []);
    const candidates = this.segment.candidates.filter((t) => t.signatures[k] === probe.signature && paramsMatch(t, this.segment));
    if (candidates.length === 0) {
      // Off every compiled path: compute what was deferred, then run op by op to the next break.
      this.settleAll(this.segment);
      this.segment.eager = true;
      this.segment.candidates = [];
      return null;
    }
    this.segment.candidates = candidates;
    const template = candidates[0] as Template;
    const types = template.types[k] as TensorType[];
    const segment = this.segment;
    const outputs = types.map((t) => new PendingTensor([...t.shape], t.dtype, () => this.materialize(segment)));
    probe.types = types;
    this.adopt(probe, outputs);
    return outputs;
  }

  after(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, outputs: readonly Tensor[]): void {
    const op = this.record(def, inputs, attrs, outputs.map((t) => ({ shape: [...t.rawShape], dtype: t.dtype })));
    this.adopt(op, [...outputs]);
  }

  /** A value was read (item, toArray, a tensor used as a number): a graph break. */
  read(tensor: Tensor): void {
    this.escaped.add(tensor);
    const from = this.origin.get(tensor);
    if (from && from.segment === this.segment) this.endSegment();
  }

  op(): void {}

  enterModule(module: object): void {
    this.modules.push(this.executor.modulePath(module) || (this.modules[this.modules.length - 1] ?? ""));
  }

  exitModule(): void {
    this.modules.pop();
  }

  /** Closes the open segment: runs its template if one matches it whole, and starts the next. */
  endSegment(): void {
    const segment = this.segment;
    if (segment.ops.length > 0) {
      if (!segment.eager) this.runTemplate(segment);
      this.finished.push(segment);
      if (segment.eager) this.executor.stats.eagerSegments++;
    }
    this.segment = this.newSegment();
  }

  private materialize(segment: Segment): void {
    if (segment === this.segment) this.endSegment();
    else this.replay(segment);
  }

  private runTemplate(segment: Segment): void {
    const template = segment.candidates.find((t) => t.signatures.length === segment.ops.length);
    if (!template) {
      // The segment ended early (a read the template did not have): compute it op by op.
      this.settleAll(segment);
      segment.eager = true;
      return;
    }
    const inputs = segment.externals.filter((_, slot) => !template.params.has(slot)).map((t) => t.raw);
    const onPlanRun = this.executor.onPlanRun;
    let outs: tf.Tensor[];
    if (onPlanRun) {
      const profiled = template.plan.profile(inputs);
      onPlanRun(template.plan.steps, profiled.stepMs);
      outs = profiled.outputs;
    } else outs = template.plan.run(inputs);
    template.liveOut.forEach((l, i) => {
      const t = segment.ops[l.op]?.outputs[l.index];
      if (t instanceof PendingTensor && !t.isSettled) t.settle(outs[i] as tf.Tensor);
    });
    this.executor.stats.planRuns++;
  }

  /** Computes every deferred value of a segment with the eager kernels. */
  private settleAll(segment: Segment): void {
    if (segment.ops.every((o) => o.outputs.every((t) => !(t instanceof PendingTensor) || t.isSettled))) return;
    this.replay(segment);
  }

  private replay(segment: Segment): void {
    this.executor.stats.replays++;
    const values: tf.Tensor[][] = [];
    for (const op of segment.ops) {
      const raws = op.inputs.map((r, i) => {
        if (r === null) return null;
        const raw = "ext" in r ? (segment.externals[r.ext] as Tensor).raw : (values[r.op]?.[r.index] as tf.Tensor);
        const perm = op.def.layouts?.[i];
        return perm ? tf.transpose(raw, [...perm]) : raw;
      });
      const out = op.def.kernel(raws, op.attrs);
      const outs = Array.isArray(out) ? out : [out];
      values.push(outs);
      op.outputs.forEach((t, i) => {
        if (t instanceof PendingTensor && !t.isSettled) t.settle(outs[i] as tf.Tensor);
      });
    }
  }
}

function paramsMatch(template: Template, segment: Segment): boolean {
  for (const [slot, t] of template.params) {
    const seen = segment.externals[slot];
    if (seen !== undefined && seen !== t) return false;
  }
  return true;
}
