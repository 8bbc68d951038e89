import { createHash } from "node:crypto";
import { toJsonFloat } from "../../shared/float";
import type { OutputSummary } from "../../shared/run";
import type { Tensor } from "../api";

type Values = Float32Array | Int32Array | Uint8Array;

/** Preview, sum and digest of one output: enough to compare runs by eye and bit for bit. */
export function summarize(name: string, t: Tensor, previewCount: number): OutputSummary {
  return summarizeValues(name, t.rawShape, t.dtype, t.raw.dataSync() as Values, previewCount);
}

/** The same from plain values (onnxruntime's outputs). */
export function summarizeValues(name: string, shape: readonly number[], dtype: OutputSummary["dtype"], values: Values, previewCount: number): OutputSummary {
  let sum = 0;
  let hasNaN = false;
  let hasInf = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    if (v !== v) hasNaN = true;
    else if (v === Infinity || v === -Infinity) hasInf = true;
  }
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return {
    name,
    shape: [...shape],
    dtype,
    preview: Array.from(values.subarray(0, previewCount), (v) => toJsonFloat(v)),
    sum: toJsonFloat(sum),
    sha256: createHash("sha256").update(bytes).digest("hex"),
    hasNaN,
    hasInf,
  };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
