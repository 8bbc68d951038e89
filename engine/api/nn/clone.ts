import * as tf from "@tensorflow/tfjs-core";
import { Parameter } from "../parameter";
import { Tensor } from "../tensor";
import { Module } from "./module";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Python's copy.deepcopy for a module, as nn.TransformerEncoder uses to stack copies of one layer:
 * a module of the same class, with its own copies of every parameter and buffer, and submodules,
 * arrays and plain objects copied the same way. What is shared inside the original (a tied weight)
 * is shared inside the copy; functions and other values are kept by reference, as Python does.
 */
export function deepcopy<M extends Module>(module: M): M {
  const memo = new Map<unknown, unknown>();
  const copy = (value: unknown): unknown => {
    if (memo.has(value)) return memo.get(value);
    let out: unknown;
    if (value instanceof Parameter) {
      out = new Parameter(value); // copies the values, in PyTorch's layout
    } else if (value instanceof Tensor) {
      out = new Tensor(tf.keep(tf.clone(value.raw)));
    } else if (value instanceof Module) {
      // Module's constructor makes the callable; no subclass constructor runs, fields are copied in.
      const m = Reflect.construct(Module, [], value.constructor) as Record<string, unknown>;
      memo.set(value, m);
      for (const key of Object.keys(value)) m[key] = copy((value as unknown as Record<string, unknown>)[key]);
      return m;
    } else if (Array.isArray(value)) {
      const a: unknown[] = [];
      memo.set(value, a);
      for (const item of value) a.push(copy(item));
      return a;
    } else if (isPlainObject(value)) {
      const o: Record<string, unknown> = {};
      memo.set(value, o);
      for (const [k, v] of Object.entries(value)) o[k] = copy(v);
      return o;
    } else {
      return value;
    }
    memo.set(value, out);
    return out;
  };
  return copy(module) as M;
}
