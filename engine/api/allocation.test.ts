/** Tensors too large to make are refused before any memory is touched, naming the bytes and the limit. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as T from ".";
import { setBackend } from "../eager/backend";
import { TensorTooLargeError, setAllocationLimitBytes } from "./allocation";

beforeAll(async () => {
  await setBackend("cpu");
});
afterEach(() => setAllocationLimitBytes(null));

describe("allocation limit", () => {
  it("refuses creation functions and layers past the limit, and allows what fits", () => {
    setAllocationLimitBytes(1_000_000);
    expect(T.zeros(250_000).shape).toEqual([250_000]); // exactly 1 MB
    expect(() => T.zeros(250_001)).toThrow(TensorTooLargeError);
    expect(() => T.randn(1000, 1000)).toThrow("randn() of shape [1000, 1000] (float32) needs 4 MB (4,000,000 bytes), more than the worker's memory limit of 1 MB (--max-memory)");
    expect(() => T.full([2_000_000], true)).toThrow(/full\(\) of shape \[2000000\] \(bool\) needs 2 MB/);
    expect(() => new T.nn.Linear(1000, 1000)).toThrow(/a parameter of shape \[1000, 1000\] \(float32\) needs 4 MB/);
    expect(() => new T.nn.Embedding(1000, 1000)).toThrow(TensorTooLargeError);
  });

  it("refuses more elements than a typed array holds, whatever the limit", () => {
    setAllocationLimitBytes(2 ** 50);
    expect(() => T.zeros(2 ** 16, 2 ** 16)).toThrow(TensorTooLargeError);
  });

  it("defaults to the process's heap limit", () => {
    expect(() => T.zeros(100_000, 100_000)).toThrow(/needs 40 GB/);
  });
});
