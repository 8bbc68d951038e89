import type { EmitContext } from "../../ops/emit-context";
import { numel } from "../../ops/flops";
import type { OpCall } from "../../ops/record";

type WithActivation = { activation: string };

const ONNX_ACTIVATION: Readonly<Record<string, string>> = { relu: "Relu", sigmoid: "Sigmoid" };

/**
 * The activation the graph's fusion pass put on linear or conv2d, as its own ONNX node after the
 * product (onnxruntime fuses it back into its kernel).
 */
export function emitActivation(ctx: EmitContext<WithActivation>, y: string): string {
  const act = ctx.attrs.activation;
  if (act === "linear") return y;
  const op = ONNX_ACTIVATION[act];
  return op ? ctx.op(op, [y]) : ctx.unsupported(`fused activation "${act}"`);
}

/** One FLOP per output element for a fused activation, none without one. */
export const activationFlops = (call: OpCall<WithActivation>): number => (call.attrs.activation === "linear" ? 0 : numel(call.outputs[0]?.shape ?? []));
