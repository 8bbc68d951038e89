import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "../api/nn/module";
import type { Tensor } from "../api/tensor";
import { type OpInput, type OpInterceptor, type OpObserver, setOpInterceptor, setOpObserver } from "../eager/dispatch";
import { flattenOutputs } from "../eager/outputs";
import type { OpAttrs, OpDef } from "../ops/record";
import { Evaluator } from "./evaluate";
import { Graph, type Node, type TensorType, type Value } from "./ir";
import { runPasses } from "./passes";
import { PendingTensor } from "./pending";
import { type CompiledPlan, compilePlan } from "./plan";

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

/**
 * The ops of one forward between two breaks, recorded straight into the IR: each tensor from
 * outside the segment is an `input` node (a `parameter` node for the model's parameters), each op
 * a `call` node. What the IR does not hold is kept beside it: the tensors, and each op's guard.
 */
interface Segment {
  graph: Graph;
  /** The call nodes in order: op k of the segment is calls[k]. */
  calls: Node[];
  /** Per op k, its guard signature and the tensors it produced (deferred or computed). */
  signatures: string[];
  outputs: Tensor[][];
  /** Each call node's k. */
  position: Map<Node, number>;
  /** Tensors from outside the segment by slot, and the input or parameter node standing for each. */
  externals: Tensor[];
  extNode: Map<Tensor, Node>;
  extSlot: Map<Node, number>;
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
  /** When set, sees each segment's graph as recorded, before the passes (tests lint and print it). */
  onLearn: ((graph: Graph) => void) | null = null;

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
    const signatures = segment.signatures;
    const params = new Map<number, Tensor>();
    segment.externals.forEach((t, slot) => this.isParam(t) && params.set(slot, t));
    if (this.templates.some((t) => t.signatures.join("\n") === signatures.join("\n") && sameParams(t.params, params))) return;
    const liveOut: { op: number; index: number }[] = [];
    segment.outputs.forEach((outs, op) => outs.forEach((t, index) => escaped.has(t) && liveOut.push({ op, index })));
    if (liveOut.length === 0) return;
    const types = segment.calls.map((n) => n.types.map((t) => ({ shape: [...t.shape], dtype: t.dtype })));
    const graph = closeSegment(segment, liveOut);
    this.onLearn?.(graph);
    runPasses(graph);
    const plan = compilePlan(graph);
    graph.dispose();
    this.templates.push({ signatures: [...signatures], types, params, liveOut, plan });
    this.stats.templates = this.templates.length;
  }

  dispose(): void {
    for (const t of this.templates) t.plan.dispose();
  }
}

const sameParams = (a: ReadonlyMap<number, Tensor>, b: ReadonlyMap<number, Tensor>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * Makes a recorded segment a graph a plan can run: its parameters get their values (taken now, as
 * the template keeps them) and the values that leave it become the outputs. The recording is
 * used up: the caller runs the passes on it.
 */
function closeSegment(segment: Segment, liveOut: { op: number; index: number }[]): Graph {
  const { graph } = segment;
  for (const [t, node] of segment.extNode) if (node.kind === "parameter") node.value = tf.keep(tf.clone(t.raw));
  const outs: Value[] = liveOut.map((l) => ({ node: segment.calls[l.op] as Node, index: l.index }));
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
    return {
      graph: new Graph(),
      calls: [],
      signatures: [],
      outputs: [],
      position: new Map(),
      externals: [],
      extNode: new Map(),
      extSlot: new Map(),
      candidates: [...this.executor.matching()],
      eager: false,
    };
  }

  escape(t: Tensor): void {
    this.escaped.add(t);
  }

  /** The value `t` is in the open segment: an op's output, or an input node for a tensor from outside. */
  private valueOf(t: Tensor | null): Value | null {
    if (t === null) return null;
    const segment = this.segment;
    const from = this.origin.get(t);
    if (from && from.segment === segment) return { node: segment.calls[from.op] as Node, index: from.index };
    if (from) this.escaped.add(t); // a value crossing into a later segment
    let node = segment.extNode.get(t);
    if (!node) {
      const slot = segment.externals.length;
      const param = this.executor.isParam(t);
      const types = [{ shape: [...t.shape], dtype: t.dtype }];
      node = segment.graph.add(param ? { kind: "parameter", op: "parameter", name: `param${slot}`, types } : { kind: "input", op: "input", name: `ext${slot}`, types });
      segment.externals.push(t);
      segment.extNode.set(t, node);
      segment.extSlot.set(node, slot);
    }
    return { node, index: 0 };
  }

  /** An op's inputs as IR values, and its guard: the op, its wiring, external types, its attrs. */
  private wire(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs): { values: (Value | null)[]; signature: string } {
    const values = inputs.map((t) => this.valueOf(t));
    const { position, extSlot } = this.segment;
    const wiring = values.map((v, i) => {
      if (v === null) return "-";
      if (v.node.kind === "call") return `o${position.get(v.node) as number}.${v.index}`;
      const t = inputs[i] as Tensor;
      return `e${extSlot.get(v.node) as number}:${typeKey(t)}${v.node.kind === "parameter" ? "p" : ""}`;
    });
    return { values, signature: `${def.name}(${wiring.join(",")})${JSON.stringify(attrs)}` };
  }

  /** Adds the op to the segment's graph as a call node producing `outputs`. */
  private adopt(def: OpDef, wired: { values: (Value | null)[]; signature: string }, attrs: OpAttrs, types: TensorType[], outputs: Tensor[]): void {
    const segment = this.segment;
    const module = this.modules[this.modules.length - 1] ?? null;
    const node = segment.graph.add({ kind: "call", op: def.name, name: def.name, inputs: wired.values, attrs, types, module });
    const index = segment.calls.length;
    segment.calls.push(node);
    segment.position.set(node, index);
    segment.signatures.push(wired.signature);
    segment.outputs.push(outputs);
    outputs.forEach((t, i) => this.origin.set(t, { segment, op: index, index: i }));
  }

  intercept(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs): Tensor[] | null {
    if (this.segment.eager) return null;
    const k = this.segment.calls.length;
    const wired = this.wire(def, inputs, attrs);
    const candidates = this.segment.candidates.filter((t) => t.signatures[k] === wired.signature && paramsMatch(t, this.segment));
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
    this.adopt(def, wired, attrs, types, outputs);
    return outputs;
  }

  after(def: OpDef, inputs: readonly OpInput[], attrs: OpAttrs, outputs: readonly Tensor[]): void {
    const types = outputs.map((t) => ({ shape: [...t.rawShape], dtype: t.dtype }));
    this.adopt(def, this.wire(def, inputs, attrs), attrs, types, [...outputs]);
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
    if (segment.calls.length > 0) {
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
    const template = segment.candidates.find((t) => t.signatures.length === segment.calls.length);
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
      const t = segment.outputs[l.op]?.[l.index];
      if (t instanceof PendingTensor && !t.isSettled) t.settle(outs[i] as tf.Tensor);
    });
    this.executor.stats.planRuns++;
  }

  /** Computes every deferred value of a segment with the eager kernels. */
  private settleAll(segment: Segment): void {
    if (segment.outputs.every((outs) => outs.every((t) => !(t instanceof PendingTensor) || t.isSettled))) return;
    this.replay(segment);
  }

  /** Runs the segment's graph op by op on the eager kernels, settling the tensors it deferred. */
  private replay(segment: Segment): void {
    this.executor.stats.replays++;
    new SegmentReplay(segment).run([]);
  }
}

/**
 * The eager interpreter over a segment being recorded: its inputs and parameters are the tensors
 * they stand for (read when the walk reaches them, just before the first op that needs them; a
 * read may run an earlier segment), and each op's results settle the tensors it deferred.
 */
class SegmentReplay extends Evaluator {
  constructor(private readonly segment: Segment) {
    super(segment.graph);
  }

  private external(node: Node): tf.Tensor {
    return (this.segment.externals[this.segment.extSlot.get(node) as number] as Tensor).raw;
  }

  protected override placeholder(node: Node): tf.Tensor {
    return this.external(node);
  }

  protected override getAttr(node: Node): tf.Tensor {
    return this.external(node);
  }

  protected override callNode(node: Node, args: readonly (tf.Tensor | null)[]): tf.Tensor[] {
    const outs = super.callNode(node, args);
    this.segment.outputs[this.segment.position.get(node) as number]?.forEach((t, i) => {
      if (t instanceof PendingTensor && !t.isSettled) t.settle(outs[i] as tf.Tensor);
    });
    return outs;
  }
}

function paramsMatch(template: Template, segment: Segment): boolean {
  for (const [slot, t] of template.params) {
    const seen = segment.externals[slot];
    if (seen !== undefined && seen !== t) return false;
  }
  return true;
}
