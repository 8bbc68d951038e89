/**
 * FLOPs conventions, shared by every op record's `flops` rule. Kept deliberately simple and the
 * same for every mode, so GFLOP/s compare across modes:
 *
 * - matrix products count 2 FLOPs per multiply-accumulate (linear, matmul, conv, attention), plus
 *   one per output element for a bias and one for a fused activation;
 * - elementwise ops (add, mul, relu, gelu, exp, where, ...): 1 per output element;
 * - reductions (sum, mean, max, argmax...): 1 per input element; softmax 3 per element;
 * - data movement (reshape, permute, cat, slicing, gathers, casts): 0, listed as uncounted.
 *
 * The counter (engine/bench/flops.ts) counts the graph as traced, before passes, so folding a
 * BatchNorm into a convolution does not change a model's FLOPs, only how fast they run.
 */
import type { OpAttrs, OpCall, TensorType } from "./record";

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const outputElements = (call: OpCall<OpAttrs>): number => numel(call.outputs[0]?.shape ?? []);
const inputElements = (call: OpCall<OpAttrs>, i = 0): number => numel((call.inputs[i] as TensorType | null)?.shape ?? []);

/** 1 per output element. */
export const elementwise = (call: OpCall<OpAttrs>): number => outputElements(call);
/** `k` per output element (softmax: max, exp, normalise). */
export const perOutput = (k: number) => (call: OpCall<OpAttrs>): number => k * outputElements(call);
/** 1 per element of the first input (reductions). */
export const reduction = (call: OpCall<OpAttrs>): number => inputElements(call);
/** Data movement: no arithmetic. */
export const none = (): number => 0;

/** The input's shape, for rules that need it; absent optional inputs read as []. */
export const shapeOf = (call: OpCall<OpAttrs>, i: number): readonly number[] => call.inputs[i]?.shape ?? [];
