import * as tf from "@tensorflow/tfjs-core";
import { Parameter } from "../parameter";
import { checkAllocation } from "../allocation";
import { defaultGenerator } from "../random";
import type { Tensor } from "../tensor";

/** PyTorch's _calculate_fan_in_and_fan_out: dim 1 is fan-in, dim 0 fan-out, times the receptive field. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fan in and fan out need a tensor of at least 2 dims, got [${shape.join(", ")}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (shape[1] as number) * receptive, fanOut: (shape[0] as number) * receptive };
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A new parameter with values drawn from U(low, high) by the default generator. */
export function uniformParameter(shape: readonly number[], low: number, high: number): Parameter {
  checkAllocation("a parameter", shape, "float32");
  return Parameter.adopt(tf.tensor(defaultGenerator().uniform(count(shape), low, high), [...shape]));
}

export function normalParameter(shape: readonly number[], mean = 0, std = 1): Parameter {
  checkAllocation("a parameter", shape, "float32");
  return Parameter.adopt(tf.tensor(defaultGenerator().normal(count(shape), mean, std), [...shape]));
}

export function constantParameter(shape: readonly number[], value: number): Parameter {
  checkAllocation("a parameter", shape, "float32");
  return Parameter.adopt(tf.fill([...shape], value));
}

/**
 * The default init of nn.Linear and nn.Conv2d: kaiming_uniform_(a=sqrt(5)) for the weight, which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
 */
export function defaultLayerInit(weightShape: readonly number[], bias: boolean): { weight: Parameter; bias: Parameter | null } {
  const bound = 1 / Math.sqrt(fans(weightShape).fanIn);
  const weight = uniformParameter(weightShape, -bound, bound);
  const b = bias ? uniformParameter([weightShape[0] as number], -bound, bound) : null;
  return { weight, bias: b };
}

// nn.init: in-place initialisers on parameters, as in torch.nn.init.
function fill(t: Tensor, values: tf.Tensor): Tensor {
  t.assign(values);
  return t;
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return fill(t, tf.tensor(defaultGenerator().uniform(t.numel(), a, b), t.shape));
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return fill(t, tf.tensor(defaultGenerator().normal(t.numel(), mean, std), t.shape));
}

export function constant_(t: Tensor, value: number): Tensor {
  return fill(t, tf.fill(t.shape, value));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export function xavier_uniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t.rawShape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

export function kaiming_uniform_(t: Tensor, a = 0): Tensor {
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = gain * Math.sqrt(3 / fans(t.rawShape).fanIn);
  return uniform_(t, -bound, bound);
}
