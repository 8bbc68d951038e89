import { defineOp, type OpCall, type OpDef } from "../../ops/record";
import { FIRST_WEIGHT, GATES, PER_CELL, RNN_LAYOUTS, type RnnAttrs, rnnKernel } from "./rnn-kernel";
import { RNN_HELPER_ONNX_OPS, emitRnn } from "./rnn-onnx";

/** Elementwise work per hidden unit and step: gate sums, activations and the state update. */
const ELEMENTWISE_PER_UNIT: Readonly<Record<RnnAttrs["mode"], number>> = { lstm: 13, gru: 13, rnn_tanh: 2, rnn_relu: 2 };

/**
 * 2·T·B·gates·H·(in + H) per layer and direction for the two matrix products (x·W_ihᵀ, h·W_hhᵀ),
 * plus the elementwise gate arithmetic per hidden unit and step.
 */
function rnnFlops({ inputs, attrs }: OpCall<RnnAttrs>): number {
  const x = inputs[0]?.shape ?? [];
  const steps = x.length === 3 && attrs.batch_first ? (x[1] ?? 0) : (x[0] ?? 0);
  const batch = x.length === 3 ? (attrs.batch_first ? (x[0] ?? 0) : (x[1] ?? 0)) : 1;
  const width = GATES[attrs.mode] * attrs.hidden_size;
  const cells = attrs.num_layers * (attrs.bidirectional ? 2 : 1);
  let total = 0;
  for (let k = 0; k < cells; k++) {
    const features = inputs[FIRST_WEIGHT + PER_CELL * k]?.shape[1] ?? 0;
    total += 2 * steps * batch * width * (features + attrs.hidden_size) + steps * batch * attrs.hidden_size * ELEMENTWISE_PER_UNIT[attrs.mode];
  }
  return total;
}

function recurrentOp(name: string, onnxType: string, summary: string): OpDef<RnnAttrs> {
  return defineOp<RnnAttrs>({
    name,
    summary,
    layouts: RNN_LAYOUTS,
    kernel: rnnKernel,
    onnx: { ops: [onnxType, ...RNN_HELPER_ONNX_OPS], emit: emitRnn },
    flops: rnnFlops,
    effect: "pure",
  });
}

/** One record per module kind, each one node per module call (all its layers and directions). */
export const RNN_OP = recurrentOp("rnn", "RNN", "nn.RNN: every layer and direction of an Elman RNN (tanh or relu) over a sequence");
export const LSTM_OP = recurrentOp("lstm", "LSTM", "nn.LSTM: every layer and direction of an LSTM over a sequence; returns output, h_n, c_n");
export const GRU_OP = recurrentOp("gru", "GRU", "nn.GRU: every layer and direction of a GRU over a sequence; returns output, h_n");
