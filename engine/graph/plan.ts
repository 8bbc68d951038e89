import * as tf from "@tensorflow/tfjs-core";
import { type Kernel, type OpAttrs, getOp } from "../ops/record";
import type { Graph, Node } from "./ir";
import { Interpreter } from "./interpreter";

/** Where a step reads an input; `perm` when a computed value must be permuted for the kernel. */
interface Read {
  slot: number;
  perm: readonly number[] | null;
}

interface Step {
  node: Node;
  kernel: Kernel;
  attrs: OpAttrs;
  inputs: (Read | null)[]; // null for an absent optional input
  outputs: number[];
  /** Slots whose last reader is this step: freed right after it, to keep peak memory low. */
  frees: number[];
}

export interface CompiledPlan {
  /** Runs the graph on raw inputs (in the graph's input order); the caller owns the outputs. */
  run(inputs: readonly tf.Tensor[]): tf.Tensor[];
  readonly steps: readonly { name: string; op: string; module: string | null }[];
  /** Runs with a timer around each step: per-node time, for the graph's profile. */
  profile(inputs: readonly tf.Tensor[]): { outputs: tf.Tensor[]; stepMs: number[] };
  dispose(): void;
}

const permKey = (perm: readonly number[] | undefined) => (perm ? perm.join(",") : "");

/** What a value is at compile time: a slot computed at run time, or a held value placed per consumer. */
type Operand = { slot: number } | { held: Node };

/**
 * Compiling is interpreting the graph once with slots for values: each call node becomes a step
 * that reads and writes numbered slots. Parameters and constants are placed (in the layout each
 * consumer's kernel wants, permuted once, here) only when something reads them.
 */
class PlanCompiler extends Interpreter<Operand> {
  readonly steps: Step[] = [];
  readonly constants: tf.Tensor[] = [];
  readonly constantSlots: number[] = [];
  private readonly placed = new Map<string, number>();
  /** Inputs take slots 0..n-1, wherever their nodes sit in the graph. */
  slots: number;

  constructor(graph: Graph, readonly inputCount: number) {
    super(graph);
    this.slots = inputCount;
  }

  protected override placeholder(_node: Node, position: number): Operand {
    return { slot: position };
  }

  protected getAttr(node: Node): Operand {
    return { held: node };
  }

  /** The slot holding a held value in a given layout: a copy made once, shared by consumers that want the same. */
  slotOf(operand: Operand, perm?: readonly number[]): number {
    if ("slot" in operand) return operand.slot;
    const node = operand.held;
    const k = `${node.id}:${permKey(perm)}`;
    const found = this.placed.get(k);
    if (found !== undefined) return found;
    if (!node.value) throw new Error(`graph value ${node.name} has no value`);
    const value = perm ? tf.keep(tf.transpose(node.value, [...perm])) : tf.keep(tf.clone(node.value));
    const slot = this.slots++;
    this.placed.set(k, slot);
    this.constants.push(value);
    this.constantSlots.push(slot);
    return slot;
  }

  protected callNode(node: Node, args: readonly (Operand | null)[]): Operand[] {
    const def = getOp(node.op);
    const inputs = args.map((a, i): Read | null => {
      if (a === null) return null;
      const perm = def.layouts?.[i];
      // Held values are permuted once above; a computed one (rare: a weight made in forward) per run.
      return "slot" in a ? { slot: a.slot, perm: perm ?? null } : { slot: this.slotOf(a, perm), perm: null };
    });
    const outputs = node.types.map(() => this.slots++);
    this.steps.push({ node, kernel: def.kernel, attrs: node.attrs, inputs, outputs, frees: [] });
    return outputs.map((slot) => ({ slot }));
  }
}

/**
 * Compiles a graph into a flat list of kernel calls over numbered slots, on the same tfjs kernels
 * as eager mode: no tracing, no argument checks and no Tensor wrappers per call. Parameters and
 * constants are put in the layout each consumer's kernel wants once, at compile time, and every
 * intermediate is freed after its last use.
 */
export function compilePlan(graph: Graph): CompiledPlan {
  const inputNodes = graph.inputNodes;
  const compiler = new PlanCompiler(graph, inputNodes.length);
  const outputOperands = compiler.run(inputNodes.map((_, i) => ({ slot: i })));
  const outputSlots = outputOperands.map((o) => compiler.slotOf(o));
  const { steps, constants, constantSlots } = compiler;
  const slots = compiler.slots;

  // Liveness: free each computed slot after the step that reads it last (never inputs, constants, outputs).
  const keep = new Set<number>([...inputNodes.map((_, i) => i), ...constantSlots, ...outputSlots]);
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => s.inputs.forEach((read) => read && lastUse.set(read.slot, i)));
  steps.forEach((s, i) => s.outputs.forEach((slot) => !lastUse.has(slot) && !keep.has(slot) && lastUse.set(slot, i)));
  for (const [slot, i] of lastUse) if (!keep.has(slot)) steps[i]?.frees.push(slot);

  function execute(inputs: readonly tf.Tensor[], timer?: number[]): tf.Tensor[] {
    if (inputs.length !== inputNodes.length) throw new Error(`the graph takes ${inputNodes.length} inputs, got ${inputs.length}`);
    const table = new Array<tf.Tensor | null>(slots).fill(null);
    inputs.forEach((t, i) => (table[i] = t));
    constantSlots.forEach((slot, i) => (table[slot] = constants[i] as tf.Tensor));
    for (const step of steps) {
      const start = timer ? performance.now() : 0;
      const result = tf.tidy(() => {
        const args = step.inputs.map((read) => {
          if (!read) return null;
          const t = table[read.slot] as tf.Tensor;
          return read.perm ? tf.transpose(t, [...read.perm]) : t;
        });
        return step.kernel(args, step.attrs);
      });
      const outs = Array.isArray(result) ? result : [result];
      step.outputs.forEach((slot, k) => (table[slot] = outs[k] ?? null));
      for (const slot of step.frees) {
        table[slot]?.dispose();
        table[slot] = null;
      }
      // Kernels run synchronously on wasm and cpu, so the clock brackets the real work there.
      if (timer) timer.push(performance.now() - start);
    }
    return outputSlots.map((slot) => {
      const t = table[slot] as tf.Tensor;
      // An output that is also an input or a constant is handed out as a copy the caller may dispose.
      return keep.has(slot) && (slot < inputNodes.length || constantSlots.includes(slot)) ? tf.clone(t) : t;
    });
  }

  return {
    run: (inputs) => execute(inputs),
    profile(inputs) {
      const stepMs: number[] = [];
      const outputs = execute(inputs, stepMs);
      return { outputs, stepMs };
    },
    steps: steps.map((s) => ({ name: s.node.name, op: s.node.op, module: s.node.module })),
    dispose() {
      for (const c of constants) c.dispose();
    },
  };
}
