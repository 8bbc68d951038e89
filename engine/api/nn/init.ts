import * as tf from "@tensorflow/tfjs-core";
import { ApiError } from "../errors";
import { Parameter } from "../parameter";
import { checkAllocation } from "../allocation";
import { defaultGenerator } from "../random";

/** PyTorch's _calculate_fan_in_and_fan_out: dim 1 is fan-in, dim 0 fan-out, times the receptive field. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ApiError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
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
