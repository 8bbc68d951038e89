import * as tf from "@tensorflow/tfjs-core";
import { Tensor } from "../api/tensor";

/**
 * Names each tensor in what forward returned: `output`, `output[0]`, `output.logits`... Numbers
 * become 0-d tensors; null entries (MultiheadAttention's weights when not asked for) are skipped.
 */
export function flattenOutputs(value: unknown, name = "output", out: [string, Tensor][] = []): [string, Tensor][] {
  if (value instanceof Tensor) out.push([name, value]);
  else if (typeof value === "number" || typeof value === "boolean") out.push([name, new Tensor(tf.scalar(Number(value)))]);
  else if (Array.isArray(value)) value.forEach((v, i) => flattenOutputs(v, `${name}[${i}]`, out));
  else if (value !== null && value !== undefined && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flattenOutputs(v, `${name}.${k}`, out);
  } else if (value === undefined) {
    throw new TypeError("forward() returned undefined: did you forget a `return`?");
  }
  return out;
}
