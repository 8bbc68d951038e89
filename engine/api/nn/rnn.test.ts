/**
 * nn.RNN, nn.LSTM and nn.GRU beyond the golden cases: parameter names and init, the call's
 * TypeScript shape, PyTorch's argument errors, one IR node per call and its ONNX form.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";
import { exportOnnx } from "../../graph/export/onnx-export";
import { trace } from "../../graph/tracer";
import { createSession } from "../../onnx/runtime";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;
const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

class Wrap extends nn.Module {
  constructor(readonly lstm: T.nn.LSTM) {
    super();
  }
  override forward(x: T.Tensor): T.Tensor[] {
    const [out, [h, c]] = this.lstm(x);
    return [out, h, c];
  }
}

describe("parameters", () => {
  it("are named and shaped as PyTorch's, reverse direction after forward, per layer", () => {
    const lstm = new nn.LSTM(3, 4, { num_layers: 2, bidirectional: true });
    const shapes = Object.fromEntries(Object.entries(lstm.state_dict()).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      weight_ih_l0: [16, 3], weight_hh_l0: [16, 4], bias_ih_l0: [16], bias_hh_l0: [16],
      weight_ih_l0_reverse: [16, 3], weight_hh_l0_reverse: [16, 4], bias_ih_l0_reverse: [16], bias_hh_l0_reverse: [16],
      weight_ih_l1: [16, 8], weight_hh_l1: [16, 4], bias_ih_l1: [16], bias_hh_l1: [16],
      weight_ih_l1_reverse: [16, 8], weight_hh_l1_reverse: [16, 4], bias_ih_l1_reverse: [16], bias_hh_l1_reverse: [16],
    });
    expect(Object.keys(new nn.GRU(2, 5, { bias: false }).state_dict())).toEqual(["weight_ih_l0", "weight_hh_l0"]);
    expect(new nn.GRU(2, 5).state_dict().weight_ih_l0?.shape).toEqual([15, 2]);
  });

  it("all_weights lists each layer's and direction's parameters, the objects state_dict holds", () => {
    const gru = new nn.GRU(3, 2, { num_layers: 2, bidirectional: true });
    const all = gru.all_weights;
    expect(all.map((cell) => cell.length)).toEqual([4, 4, 4, 4]);
    expect(all[1]?.[0]).toBe(gru.state_dict().weight_ih_l0_reverse);
    expect(all[2]?.[0]?.shape).toEqual([6, 4]);
    expect(new nn.RNN(3, 2, { bias: false }).all_weights.map((cell) => cell.length)).toEqual([2]);
  });

  it("start as U(-1/sqrt(hidden), 1/sqrt(hidden)), like PyTorch's reset_parameters", () => {
    T.manual_seed(0);
    const all = new nn.RNN(8, 16).parameters().flatMap(values);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.2);
  });

  it("read back in PyTorch's layout after a forward that used them transposed", () => {
    T.manual_seed(1);
    const lstm = new nn.LSTM(3, 2);
    const before = values(lstm.state_dict().weight_ih_l0 as T.Tensor);
    lstm(T.randn(4, 1, 3));
    const after = lstm.state_dict().weight_ih_l0 as T.Tensor;
    expect(after.shape).toEqual([8, 3]);
    expect(values(after)).toEqual(before);
  });
});

describe("calls", () => {
  it("LSTM returns [output, [h_n, c_n]] that destructures as in PyTorch", () => {
    const lstm = new nn.LSTM(3, 5, { num_layers: 2, batch_first: true });
    const [out, [h, c]] = lstm(T.randn(2, 7, 3));
    expect([out.shape, h.shape, c.shape]).toEqual([[2, 7, 5], [2, 2, 5], [2, 2, 5]]);
  });

  it("the last output step of a forward LSTM is the top layer's h_n", () => {
    const lstm = new nn.LSTM(3, 4, { num_layers: 2 });
    const [out, [h]] = lstm(T.randn(5, 2, 3));
    expect(values(out.select(0, -1))).toEqual(values(h.select(0, 1)));
  });

  it("an unbatched call equals a batch of one", () => {
    const gru = new nn.GRU(3, 4, { bidirectional: true });
    const x = T.randn(6, 3);
    const [single, h1] = gru(x);
    const [batch, hb] = gru(x.unsqueeze(1));
    expect(single.shape).toEqual([6, 8]);
    expect(values(single)).toEqual(values(batch));
    expect(values(h1)).toEqual(values(hb));
  });

  it("refuses inputs and states PyTorch refuses, with its messages", () => {
    const lstm = new nn.LSTM(4, 3, { num_layers: 2 });
    expect(() => lstm(T.randn(5, 2, 6))).toThrow("input.size(-1) must be equal to input_size. Expected 4, got 6");
    expect(() => lstm(T.randn(5, 2, 4), [T.randn(1, 2, 3), T.randn(2, 2, 3)])).toThrow("Expected hidden[0] size (2, 2, 3), got [1, 2, 3]");
    expect(() => lstm(T.randn(5, 4), [T.randn(2, 1, 3), T.randn(2, 1, 3)])).toThrow(
      "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors",
    );
    expect(() => new nn.GRU(4, 3)(T.randn(5, 2, 4), T.randn(1, 3, 3))).toThrow("Expected hidden size (1, 2, 3), got [1, 3, 3]");
    expect(() => new nn.RNN(4, 3)(T.randn(2, 5, 2, 4))).toThrow("Expected input to be 2D or 3D, got 4D instead");
    expect(() => new nn.RNN(4, 3, { nonlinearity: "sigmoid" as "tanh" })).toThrow("Unknown nonlinearity 'sigmoid'");
  });

  it("prints like PyTorch", () => {
    expect(String(new nn.LSTM(4, 3, { num_layers: 2, bidirectional: true }))).toBe("LSTM(4, 3, num_layers=2, bidirectional=True)");
    expect(String(new nn.RNN(4, 3, { nonlinearity: "relu", batch_first: true, dropout: 0.5 }))).toBe(
      "RNN(4, 3, nonlinearity='relu', batch_first=True, dropout=0.5)",
    );
  });
});

describe("graph", () => {
  it("traces one lstm node per call, and exports one ONNX LSTM per layer that onnxruntime agrees with", async () => {
    T.manual_seed(2);
    const model = new Wrap(new nn.LSTM(3, 4, { num_layers: 2, bidirectional: true, batch_first: true }));
    const x = T.randn(2, 5, 3);
    const { graph, eagerOutputs } = trace(model, [x], ["x"]);
    expect(graph.nodes.filter((n) => n.kind === "call").map((n) => n.op)).toEqual(["lstm"]);
    const exported = exportOnnx(graph, { producerVersion: "test" });
    expect(exported.stats.opTypes.LSTM).toBe(2);
    expect(exported.stats.opTypes.MatMul).toBeUndefined();
    const session = await createSession(exported.bytes);
    const got = await session.run({ x: { dtype: "float32", shape: x.shape, data: Float32Array.from(values(x)) } });
    await session.release();
    exported.outputs.forEach((o, i) => {
      const expected = (eagerOutputs[i] as [string, T.Tensor])[1];
      const actual = Array.from(got[o.onnx]?.data ?? [], Number);
      expect(got[o.onnx]?.shape).toEqual(expected.shape);
      values(expected).forEach((v, k) => expect(Math.abs(v - (actual[k] as number))).toBeLessThan(1e-5));
    });
  });

  it("exports with a symbolic batch dim that onnxruntime runs at another batch size", async () => {
    T.manual_seed(3);
    const model = new Wrap(new nn.LSTM(3, 4, { batch_first: true, bidirectional: true }));
    const exported = exportOnnx(trace(model, [T.randn(2, 5, 3)], ["x"]).graph, { producerVersion: "test", dynamicBatch: true });
    const x = T.randn(3, 5, 3);
    const session = await createSession(exported.bytes);
    const got = await session.run({ x: { dtype: "float32", shape: x.shape, data: Float32Array.from(values(x)) } });
    await session.release();
    const [out] = model(x);
    const actual = Array.from(got[exported.outputs[0]?.onnx as string]?.data ?? [], Number);
    expect(got[exported.outputs[0]?.onnx as string]?.shape).toEqual([3, 5, 8]);
    values(out as T.Tensor).forEach((v, k) => expect(Math.abs(v - (actual[k] as number))).toBeLessThan(1e-5));
  });

  it("in training mode with dropout runs one op per layer with dropout between them", () => {
    const lstm = new nn.LSTM(3, 4, { num_layers: 2, dropout: 0.5 });
    const model = new Wrap(lstm);
    const ops = () => trace(model, [T.randn(5, 2, 3)], ["x"]).graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(ops()).toEqual(["lstm"]);
    model.train();
    expect(ops()).toEqual(["lstm", "dropout", "lstm", "cat", "cat"]);
  });
});
