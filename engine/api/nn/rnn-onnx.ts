import type { EmitContext } from "../../ops/emit-context";
import { FIRST_WEIGHT, GATES, PER_CELL, type RnnAttrs, type RnnMode } from "./rnn-kernel";

/** The ONNX ops around the recurrent node: weight regathering, layout changes, per-layer state slices. */
export const RNN_HELPER_ONNX_OPS = ["Gather", "Concat", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Slice", "Cast"] as const;

const ONNX_TYPE: Readonly<Record<RnnMode, string>> = { lstm: "LSTM", gru: "GRU", rnn_tanh: "RNN", rnn_relu: "RNN" };

/**
 * Where each of ONNX's gate blocks sits in PyTorch's weights: ONNX's LSTM wants (i, o, f, c) where
 * PyTorch stores (i, f, g, o); ONNX's GRU wants (z, r, h) where PyTorch stores (r, z, n).
 */
const ONNX_GATE_ORDER: Readonly<Record<RnnMode, readonly number[]>> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn_tanh: [0], rnn_relu: [0] };

/** Row indices that reorder PyTorch's gate blocks into ONNX's, repeated `halves` times (W_b then R_b). */
function gateRows(mode: RnnMode, hidden: number, halves: number): number[] {
  const rows: number[] = [];
  const blocks = GATES[mode] * hidden;
  for (let half = 0; half < halves; half++) {
    for (const g of ONNX_GATE_ORDER[mode]) for (let j = 0; j < hidden; j++) rows.push(half * blocks + g * hidden + j);
  }
  return rows;
}

/**
 * One ONNX LSTM / GRU / RNN node per layer (both directions in one node when bidirectional), as
 * torch.onnx writes them: weights regathered into ONNX's gate order and stacked per direction
 * (constants onnxruntime folds at load), the sequence in ONNX's [T, B, I] layout, and each layer's
 * Y [T, D, B, H] reshaped to PyTorch's [T, B, D·H].
 */
export function emitRnn(ctx: EmitContext<RnnAttrs>): string[] {
  const { mode, hidden_size: hidden, num_layers: layers, bidirectional, batch_first: batchFirst } = ctx.attrs;
  const directions = bidirectional ? 2 : 1;
  const batched = ctx.type(0).shape.length === 3;
  const unsqueeze1 = (v: string) => ctx.op("Unsqueeze", [v, ctx.int64([1])]);
  const squeeze1 = (v: string) => ctx.op("Squeeze", [v, ctx.int64([1])]);
  let x = ctx.cast(0, "float32");
  x = !batched ? unsqueeze1(x) : batchFirst ? ctx.op("Transpose", [x], { perm: [1, 0, 2] }) : x;
  const state = (i: number) => (!ctx.has(i) ? null : batched ? ctx.input(i) : unsqueeze1(ctx.input(i)));
  const [h0, c0] = [state(1), mode === "lstm" ? state(2) : null];

  const weightRows = ctx.b.constant(undefined, "int64", [1, GATES[mode] * hidden], BigInt64Array.from(gateRows(mode, hidden, 1).map(BigInt)));
  let biasRows: string | null = null; // made on first use: a layer without biases has none
  const biasIndices = () => (biasRows ??= ctx.b.constant(undefined, "int64", [1, 2 * GATES[mode] * hidden], BigInt64Array.from(gateRows(mode, hidden, 2).map(BigInt))));
  /** [1, rows, cols] in ONNX's gate order: Gather with [1, n] indices adds the direction axis. */
  const regather = (v: string, rows: string) => ctx.op("Gather", [v, rows], { axis: 0 });
  const stackDirections = (parts: string[]) => (parts.length === 1 ? (parts[0] as string) : ctx.op("Concat", parts, { axis: 0 }));
  const slab = (v: string, layer: number) => ctx.op("Slice", [v, ctx.int64([layer * directions]), ctx.int64([(layer + 1) * directions]), ctx.int64([0])]);

  const lastH: string[] = [];
  const lastC: string[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const cells = Array.from({ length: directions }, (_, d) => FIRST_WEIGHT + PER_CELL * (layer * directions + d));
    const w = stackDirections(cells.map((at) => regather(ctx.input(at), weightRows)));
    const r = stackDirections(cells.map((at) => regather(ctx.input(at + 1), weightRows)));
    const hasBias = ctx.has((cells[0] as number) + 2);
    const bias = hasBias ? stackDirections(cells.map((at) => regather(ctx.op("Concat", [ctx.input(at + 2), ctx.input(at + 3)], { axis: 0 }), biasIndices()))) : "";
    const attrs: Record<string, number | string | ReturnType<typeof ctx.b.attr.strings>> = {
      hidden_size: hidden,
      direction: bidirectional ? "bidirectional" : "forward",
    };
    if (mode === "gru") attrs.linear_before_reset = 1; // PyTorch applies r after h·W_hn + b_hn
    if (mode === "rnn_tanh" || mode === "rnn_relu") attrs.activations = ctx.b.attr.strings(Array<string>(directions).fill(mode === "rnn_relu" ? "Relu" : "Tanh"));
    const inputs = [x, w, r, bias, "", h0 ? slab(h0, layer) : ""];
    if (mode === "lstm") inputs.push(c0 ? slab(c0, layer) : "");
    const outputs = [ctx.tmp("y"), ctx.tmp("y_h"), ...(mode === "lstm" ? [ctx.tmp("y_c")] : [])];
    ctx.b.node(ONNX_TYPE[mode], inputs, outputs, attrs);
    const [y, yh, yc] = outputs as [string, string, string?];
    // Y is [T, D, B, H]; PyTorch's output is [T, B, D·H] with the directions side by side.
    x = directions === 1 ? squeeze1(y) : ctx.op("Reshape", [ctx.op("Transpose", [y], { perm: [0, 2, 1, 3] }), ctx.int64([0, 0, directions * hidden])]);
    lastH.push(yh);
    if (yc) lastC.push(yc);
  }
  const concat0 = (parts: string[]) => (parts.length === 1 ? (parts[0] as string) : ctx.op("Concat", parts, { axis: 0 }));
  let [output, hn] = [x, concat0(lastH)];
  let cn = mode === "lstm" ? concat0(lastC) : null;
  if (!batched) {
    [output, hn] = [squeeze1(output), squeeze1(hn)];
    cn = cn ? squeeze1(cn) : null;
  } else if (batchFirst) {
    output = ctx.op("Transpose", [output], { perm: [1, 0, 2] });
  }
  return cn ? [output, hn, cn] : [output, hn];
}
