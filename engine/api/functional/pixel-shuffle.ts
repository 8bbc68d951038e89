import * as tf from "@tensorflow/tfjs-core";
import { apply } from "../../eager/dispatch";
import type { EmitContext } from "../../ops/emit-context";
import { none } from "../../ops/flops";
import { defineOp } from "../../ops/record";
import { ApiError, OpError } from "../errors";
import type { Tensor } from "../tensor";

type ShuffleAttrs = { factor: number };

/**
 * Both shuffles are a reshape, a permutation and a reshape. pixel_shuffle: [*, C·r², H, W] viewed as
 * [*, C, r, r, H, W], permuted to [*, C, H, r, W, r]; pixel_unshuffle is its inverse.
 */
function plan(shape: readonly number[], r: number, up: boolean): { split: number[]; perm: number[]; out: number[] } {
  const lead = shape.slice(0, -3);
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  const k = lead.length;
  const leadAxes = [...lead.keys()];
  if (up) {
    const oc = c / (r * r);
    return { split: [...lead, oc, r, r, h, w], perm: [...leadAxes, k, k + 3, k + 1, k + 4, k + 2], out: [...lead, oc, h * r, w * r] };
  }
  const [oh, ow] = [h / r, w / r];
  return { split: [...lead, c, oh, r, ow, r], perm: [...leadAxes, k, k + 2, k + 4, k + 1, k + 3], out: [...lead, c * r * r, oh, ow] };
}

function kernel(up: boolean) {
  return ([x]: readonly (tf.Tensor | null)[], a: ShuffleAttrs): tf.Tensor => {
    const t = x as tf.Tensor;
    const p = plan(t.shape, a.factor, up);
    return tf.reshape(tf.transpose(tf.reshape(t, p.split), p.perm), p.out);
  };
}

function emitShuffle(ctx: EmitContext<ShuffleAttrs>, up: boolean): string {
  const shape = ctx.type(0).shape;
  // DepthToSpace's CRD mode is pixel_shuffle's channel order; SpaceToDepth has no such mode.
  if (up && shape.length === 4) return ctx.op("DepthToSpace", [ctx.input(0)], { blocksize: ctx.attrs.factor, mode: "CRD" });
  const p = plan(shape, ctx.attrs.factor, up);
  const batch = (s: number[]) => (ctx.dynamicBatch !== null ? [0, ...s.slice(1)] : s);
  const split = ctx.op("Reshape", [ctx.input(0), ctx.int64(batch(p.split))]);
  return ctx.op("Reshape", [ctx.op("Transpose", [split], { perm: p.perm }), ctx.int64(batch(p.out))]);
}

const PIXEL_SHUFFLE = defineOp<ShuffleAttrs>({
  name: "pixel_shuffle",
  summary: "[*, C·r², H, W] to [*, C, H·r, W·r]: channel blocks spread into r×r pixels",
  kernel: kernel(true),
  onnx: { ops: ["DepthToSpace", "Reshape", "Transpose"], emit: (ctx) => emitShuffle(ctx, true) },
  flops: none,
  effect: "pure",
});

const PIXEL_UNSHUFFLE = defineOp<ShuffleAttrs>({
  name: "pixel_unshuffle",
  summary: "[*, C, H·r, W·r] to [*, C·r², H, W]: the inverse of pixel_shuffle",
  kernel: kernel(false),
  onnx: { ops: ["Reshape", "Transpose"], emit: (ctx) => emitShuffle(ctx, false) },
  flops: none,
  effect: "pure",
});

function checkFactor(name: string, x: Tensor, factor: number, argName: string): void {
  if (!Number.isInteger(factor) || factor <= 0) throw new ApiError(`${name}: ${argName} must be greater than 0, but got: ${factor}`);
  if (x.dim() < 3) throw new OpError(name, [x.shape], `${name} expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
}

export function pixel_shuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkFactor("pixel_shuffle", x, upscaleFactor, "upscale_factor");
  const c = x.shape[x.dim() - 3] as number;
  if (c % (upscaleFactor * upscaleFactor) !== 0) {
    throw new OpError("pixel_shuffle", [x.shape], `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${upscaleFactor * upscaleFactor}`);
  }
  return apply(PIXEL_SHUFFLE, [x], { factor: upscaleFactor });
}

export function pixel_unshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkFactor("pixel_unshuffle", x, downscaleFactor, "downscale_factor");
  const [h, w] = x.shape.slice(-2) as [number, number];
  if (h % downscaleFactor !== 0) throw new OpError("pixel_unshuffle", [x.shape], `pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${downscaleFactor}`);
  if (w % downscaleFactor !== 0) throw new OpError("pixel_unshuffle", [x.shape], `pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${downscaleFactor}`);
  return apply(PIXEL_UNSHUFFLE, [x], { factor: downscaleFactor });
}
