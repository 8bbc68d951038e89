/**
 * What the golden cases cannot show for the conv/resampling family: PyTorch's errors for bad
 * arguments, and a UNet-style decoder (ConvTranspose2d, Upsample, F.pad, skip concatenation,
 * pixel_shuffle, adaptive pools) traced, compiled and exported with a dynamic batch.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";
import { exportOnnx } from "../../graph/export/onnx-export";
import { compilePlan } from "../../graph/plan";
import { trace } from "../../graph/tracer";
import { createSession } from "../../onnx/runtime";
import { getOp } from "../../ops/record";

const { nn, F } = T;

beforeAll(async () => {
  await setBackend("wasm");
});

describe("PyTorch's errors", () => {
  it("conv1d and the transposed convolutions check channels and output_padding", () => {
    expect(() => F.conv1d(T.randn([1, 2, 5]), T.randn([4, 3, 3]))).toThrow(/expected input\[1,2,5\] to have 3 channels, but got 2 channels instead/);
    expect(() => F.conv1d(T.randn([1, 2, 3, 5]), T.randn([4, 2, 3]))).toThrow(/Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d/);
    expect(() => F.conv_transpose2d(T.randn([1, 2, 5, 5]), T.randn([3, 3, 3, 3]))).toThrow(/Given transposed=1, weight of size \[3,3,3,3\]/);
    expect(() => F.conv_transpose2d(T.randn([1, 2, 5, 5]), T.randn([2, 3, 3, 3]), { stride: 2, output_padding: 2 })).toThrow(/output padding must be smaller than either stride or dilation/);
    expect(() => F.conv_transpose1d(T.randn([1, 4, 5]), T.randn([4, 2, 3]), { groups: 3 })).toThrow(/groups \(3\) must be a positive integer that divides in_channels \(4\)/);
  });

  it("interpolate wants exactly one of size and scale_factor, and the mode's rank", () => {
    const x = T.randn([1, 2, 3, 3]);
    expect(() => F.interpolate(x)).toThrow(/either size or scale_factor should be defined/);
    expect(() => F.interpolate(x, { size: 4, scale_factor: 2 })).toThrow(/only one of size or scale_factor should be defined/);
    expect(() => F.interpolate(T.randn([1, 2, 3]), { scale_factor: 2, mode: "bilinear" })).toThrow(/Got 3D input, but bilinear mode needs 4D input/);
    expect(() => F.interpolate(x, { scale_factor: 2, align_corners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
    expect(() => F.interpolate(x, { size: [4, 4, 4] })).toThrow(/same number of spatial dimensions/);
  });

  it("pad checks its list, its mode's ranks and reflect's sizes", () => {
    expect(() => F.pad(T.randn([2, 3]), [1, 1, 1])).toThrow(/Padding length must be divisible by 2/);
    expect(() => F.pad(T.randn([3]), [1, 1, 1, 1])).toThrow(/Padding length too large/);
    expect(() => F.pad(T.randn([1, 2, 3, 4]), [1, 1], { mode: "reflect" })).toThrow(/Only 2D, 3D, 4D, 5D padding with non-constant padding/);
    expect(() => F.pad(T.randn([2, 3, 4]), [4, 1], { mode: "reflect" })).toThrow(/Padding size should be less than the corresponding input dimension, but got: padding \(4, 1\) at dimension 2/);
    expect(F.pad(T.randn([2, 3, 4]), [5, 1], { mode: "replicate" }).shape).toEqual([2, 3, 10]);
  });

  it("pixel_shuffle, pooling and unflatten name the dim at fault", () => {
    expect(() => F.pixel_shuffle(T.randn([1, 3, 3, 3]), 2)).toThrow(/input.size\(-3\)=3 is not divisible by 4/);
    expect(() => F.pixel_unshuffle(T.randn([1, 3, 5, 4]), 2)).toThrow(/input.size\(-2\)=5 is not divisible by 2/);
    expect(() => F.max_pool1d(T.randn([1, 3, 3, 3]), 2)).toThrow(/Expected 2D or 3D \(batch mode\) tensor/);
    expect(() => F.adaptive_max_pool2d(T.randn([1, 3, 4, 4]), 2, { return_indices: true })).toThrow(/return_indices is not supported/);
    expect(() => new nn.Unflatten(1, [5, -1]).forward(T.randn([2, 12]))).toThrow(/don't multiply up to the size of dim 1 \(12\)/);
  });
});

/** The decoder half of a small UNet, with the ops a VAE decoder and a YOLO head add. */
class Decoder extends nn.Module {
  up = new nn.ConvTranspose2d(8, 4, 2, { stride: 2 });
  conv = new nn.Conv2d(8, 4, 3, { padding: 1 });
  upsample = new nn.Upsample({ scale_factor: 2, mode: "nearest" });
  shuffle = new nn.PixelShuffle(2);
  pad = new nn.ReflectionPad2d(1);
  audio = new nn.Conv1d(4, 4, 3, { padding: 1 });
  pool = new nn.AdaptiveMaxPool2d([3, 5]);

  override forward(x: T.Tensor, skip: T.Tensor): T.Tensor {
    let y = T.cat([this.up.forward(x), skip], 1); // [N, 8, 8, 8]
    y = F.relu(this.conv.forward(this.pad.forward(y))); // reflect-padded to 10x10, conv (padding 1): [N, 4, 10, 10]
    const bilinear = F.interpolate(y, { size: [12, 12], mode: "bilinear", align_corners: false });
    const nearest = this.upsample.forward(this.shuffle.forward(y)); // [N, 1, 40, 40]
    const pooled = this.pool.forward(F.pad(bilinear, [0, 1, 2, 0], { mode: "replicate" })); // [N, 4, 3, 5]
    const seq = this.audio.forward(T.flatten(pooled, 2)); // [N, 4, 15]
    return T.cat([T.flatten(seq, 1), T.flatten(F.adaptive_avg_pool2d(nearest, [2, 3]), 1)], 1);
  }
}

describe("a UNet-style decoder through graph mode and ONNX", () => {
  it("gives eager's outputs in the compiled plan and in onnxruntime at another batch size", async () => {
    T.manual_seed(3);
    const model = new Decoder();
    model.eval();
    const [x, skip] = [T.randn([1, 8, 4, 4]), T.randn([1, 4, 8, 8])];
    const result = trace(model, [x, skip], ["x", "skip"]);
    const ops = result.graph.nodes.filter((n) => n.kind === "call").map((n) => n.op);
    expect(ops).toEqual(expect.arrayContaining(["conv_transpose2d", "interpolate", "pad", "pixel_shuffle", "adaptive_max_pool2d", "conv1d"]));

    const plan = compilePlan(result.graph);
    const eager = (result.eagerOutputs[0] as [string, T.Tensor])[1];
    const planned = plan.run([x.raw, skip.raw])[0] as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(planned, eager.raw))).dataSync()[0]).toBeLessThan(1e-5);

    const { bytes, outputs } = exportOnnx(result.graph, { producerVersion: "test", dynamicBatch: true });
    const [x3, skip3] = [T.randn([3, 8, 4, 4]), T.randn([3, 4, 8, 8])];
    const expected = model.forward(x3, skip3);
    const session = await createSession(bytes);
    const feed = (t: T.Tensor) => ({ dtype: "float32" as const, shape: t.shape, data: t.raw.dataSync() as Float32Array });
    const got = await session.run({ x: feed(x3), skip: feed(skip3) });
    await session.release();
    const out = got[(outputs[0] as { onnx: string }).onnx];
    expect(out?.shape).toEqual(expected.shape);
    const e = Array.from(expected.raw.dataSync());
    const worst = e.reduce((m, v, i) => Math.max(m, Math.abs(v - Number(out?.data[i]))), 0);
    expect(worst).toBeLessThan(1e-4);
  });
});

describe("FLOPs rules", () => {
  const call = (op: string, inputs: number[][], output: number[], attrs: Record<string, unknown>) =>
    getOp(op).flops({ inputs: inputs.map((shape) => ({ shape, dtype: "float32" as const })), outputs: [{ shape: output, dtype: "float32" }], attrs: attrs as never });

  it("conv_transpose2d: each input element scatters into C_out/groups·kH·kW outputs, 2 FLOPs each, + a bias per output", () => {
    // [1, 4, 3, 3] into weight [4, 3, 2, 2] (groups 2: C_out 6), stride 2: output [1, 6, 6, 6].
    const attrs = { stride: [2, 2], padding: [0, 0], output_padding: [0, 0], groups: 2, dilation: [1, 1] };
    expect(call("conv_transpose2d", [[1, 4, 3, 3], [4, 3, 2, 2], [6]], [1, 6, 6, 6], attrs)).toBe(2 * 36 * 3 * 4 + 216);
  });

  it("interpolate: nearest moves data, linear modes count a multiply-add per interpolated dim", () => {
    expect(call("interpolate", [[1, 2, 3, 3]], [1, 2, 6, 6], { mode: "nearest", align_corners: false, size: [6, 6], scales: null })).toBe(0);
    expect(call("interpolate", [[1, 2, 3, 3]], [1, 2, 6, 6], { mode: "linear", align_corners: false, size: [6, 6], scales: null })).toBe(4 * 72);
  });
});

describe("module reprs", () => {
  it("print as PyTorch 1.13 prints them", () => {
    const modules = [
      new nn.Upsample({ scale_factor: 2 }), new nn.ZeroPad2d(1), new nn.ConstantPad2d(1, 2), new nn.ReflectionPad2d(1),
      new nn.ConvTranspose2d(4, 2, 2, { stride: 2 }), new nn.Conv1d(3, 5, 3, { padding: 1 }), new nn.MaxPool1d(3), new nn.AvgPool1d(2),
      new nn.AdaptiveMaxPool2d([3, 2]), new nn.Unflatten(1, [2, 3]), new nn.PixelShuffle(2),
    ];
    // print() of the same modules in torch 1.13.
    expect(modules.map(String)).toEqual([
      "Upsample(scale_factor=2.0, mode=nearest)", "ZeroPad2d((1, 1, 1, 1))", "ConstantPad2d(padding=(1, 1, 1, 1), value=2.0)", "ReflectionPad2d((1, 1, 1, 1))",
      "ConvTranspose2d(4, 2, kernel_size=(2, 2), stride=(2, 2))", "Conv1d(3, 5, kernel_size=(3,), stride=(1,), padding=(1,))",
      "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)", "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))",
      "AdaptiveMaxPool2d(output_size=(3, 2))", "Unflatten(dim=1, unflattened_size=(2, 3))", "PixelShuffle(upscale_factor=2)",
    ]);
  });
});
