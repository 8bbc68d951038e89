/**
 * The Transformer modules beyond the golden cases: PyTorch's state_dict keys, layers as deep
 * copies, the causal hints (PyTorch 2.x's is_causal) and generate_square_subsequent_mask, a custom
 * activation, and the encoder through tracing and ONNX.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";
import { exportOnnx } from "../../graph/export/onnx-export";
import { trace } from "../../graph/tracer";
import { createSession } from "../../onnx/runtime";
import { deepcopy } from "./clone";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;
const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);
const close = (a: T.Tensor, b: T.Tensor, tol = 1e-6) => {
  expect(a.shape).toEqual(b.shape);
  const bv = values(b);
  values(a).forEach((v, i) => expect(Math.abs(v - (bv[i] as number))).toBeLessThanOrEqual(tol));
};

describe("state_dict", () => {
  it("has PyTorch's keys for the encoder layer and the stacked encoder", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 });
    expect(Object.keys(layer.state_dict())).toEqual([
      "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
      "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
    ]);
    const encoder = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
    const keys = Object.keys(encoder.state_dict());
    expect(keys).toContain("layers.1.self_attn.in_proj_weight");
    expect(keys.slice(-2)).toEqual(["norm.weight", "norm.bias"]);
    expect(keys).toHaveLength(2 * 12 + 2);
  });

  it("nn.Transformer names its stacks encoder and decoder, with multihead_attn and norm3 in decoder layers", () => {
    const model = new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 16 });
    const keys = Object.keys(model.state_dict());
    expect(keys).toContain("encoder.norm.weight");
    expect(keys).toContain("decoder.layers.0.multihead_attn.in_proj_weight");
    expect(keys).toContain("decoder.layers.0.norm3.bias");
  });
});

describe("layers of a stack", () => {
  it("start as copies of the layer given, with parameters of their own", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 });
    const encoder = new nn.TransformerEncoder(layer, 2);
    const [a, b] = [encoder.layers[0] as T.nn.TransformerEncoderLayer, encoder.layers[1] as T.nn.TransformerEncoderLayer];
    expect(values(a.linear1.weight)).toEqual(values(layer.linear1.weight));
    expect(a.linear1.weight).not.toBe(b.linear1.weight);
    expect(a).not.toBe(layer);
    T.nn.init.zeros_(a.linear1.weight);
    expect(values(b.linear1.weight)).toEqual(values(layer.linear1.weight));
  });

  it("deepcopy keeps a tied weight tied inside the copy", () => {
    const inner = new nn.Linear(3, 3);
    const seq = new nn.Sequential(inner, inner);
    const copy = deepcopy(seq);
    expect(copy[0]).toBe(copy[1]);
    expect(copy[0]).not.toBe(inner);
    expect(copy.parameters()).toHaveLength(2);
  });
});

describe("causal masks", () => {
  it("generate_square_subsequent_mask is 0 on and below the diagonal and -inf above", () => {
    const m = nn.Transformer.generate_square_subsequent_mask(3);
    expect(m.shape).toEqual([3, 3]);
    expect(values(m)).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  });

  it("is_causal without a mask gives what the explicit causal mask gives, in layers and stacks", () => {
    T.manual_seed(3);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, batch_first: true });
    const x = T.randn(2, 5, 8);
    const mask = nn.Transformer.generate_square_subsequent_mask(5);
    close(layer(x, { is_causal: true }), layer(x, { src_mask: mask }));
    const unmasked = values(layer(x));
    expect(values(layer(x, { is_causal: true }))).not.toEqual(unmasked);
    const encoder = new nn.TransformerEncoder(layer, 2);
    close(encoder(x, { is_causal: true }), encoder(x, { mask }));
    const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dim_feedforward: 16, batch_first: true }), 2);
    const memory = T.randn(2, 4, 8);
    close(decoder(x, memory, { tgt_is_causal: true }), decoder(x, memory, { tgt_mask: mask }));
  });

  it("a causal prefix does not see later positions: changing the last token leaves earlier outputs alone", () => {
    T.manual_seed(4);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 });
    const x = T.randn(4, 1, 8);
    const changed = T.cat([x.narrow(0, 0, 3), T.randn(1, 1, 8)], 0);
    close(layer(x, { is_causal: true }).narrow(0, 0, 3), layer(changed, { is_causal: true }).narrow(0, 0, 3));
  });
});

describe("activation", () => {
  it("takes a function, as PyTorch's callable activation", () => {
    T.manual_seed(5);
    const relu = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 });
    const custom = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, activation: (t) => T.F.relu(t) });
    custom.load_state_dict(relu.state_dict());
    const x = T.randn(3, 2, 8);
    close(custom(x), relu(x));
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: "tanh" as "relu" })).toThrow("activation should be relu/gelu, not tanh");
  });
});

describe("graph", () => {
  it("an encoder with a padding mask traces, exports and runs in onnxruntime as in eager", async () => {
    T.manual_seed(6);
    class Model extends nn.Module {
      encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, batch_first: true }), 2);
      override forward(x: T.Tensor, padding: T.Tensor): T.Tensor {
        return this.encoder(x, { src_key_padding_mask: padding, is_causal: true });
      }
    }
    const x = T.randn(2, 5, 8);
    const padding = T.tensor([[false, false, false, false, false], [false, false, false, true, true]]);
    const { graph, eagerOutputs } = trace(new Model(), [x, padding], ["x", "padding"]);
    const exported = exportOnnx(graph, { producerVersion: "test" });
    const session = await createSession(exported.bytes);
    const got = await session.run({
      x: { dtype: "float32", shape: x.shape, data: Float32Array.from(values(x)) },
      padding: { dtype: "bool", shape: padding.shape, data: Uint8Array.from(values(padding)) },
    });
    await session.release();
    const expected = (eagerOutputs[0] as [string, T.Tensor])[1];
    const actual = Array.from(got[exported.outputs[0]?.onnx as string]?.data ?? [], Number);
    values(expected).forEach((v, k) => expect(Math.abs(v - (actual[k] as number))).toBeLessThan(1e-4));
  });
});
