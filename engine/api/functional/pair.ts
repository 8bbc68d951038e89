import { ApiError } from "../errors";

export type IntPair = number | readonly [number, number] | readonly number[];

/** PyTorch's _pair: an int means the same value for height and width. */
export function pair(value: IntPair, name: string): [number, number] {
  const [h, w] = typeof value === "number" ? [value, value] : [value[0], value[1]];
  if (h === undefined || w === undefined || !Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new ApiError(`${name} must be a non-negative int or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [h, w];
}
