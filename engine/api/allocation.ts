import { getHeapStatistics } from "node:v8";
import type { SourceLocation } from "../../shared/location";
import type { DType } from "./dtype";

/**
 * Refuses a tensor too large to make before making it. Without this, a shape like
 * [100000, 100000] ended as "internal: RangeError: Invalid typed array length", and
 * nn.Linear(50000, 50000) (10 GB) filled random numbers until its time limit ran out.
 */

/** The longest typed array V8 makes (2^32 - 1 elements), whatever the memory. */
const MAX_ELEMENTS = 2 ** 32 - 1;

/** The worker's memory limit: its --max-old-space-size (what --max-memory sets), else V8's heap limit. */
function workerLimitBytes(): number {
  const flag = process.execArgv.map((a) => /^--max-old-space-size=(\d+)$/.exec(a)).find((m) => m !== null);
  return flag ? Number(flag[1]) * 2 ** 20 : getHeapStatistics().heap_size_limit;
}

let limitBytes: number | null = null;

/** The most bytes one tensor may take. */
export function allocationLimitBytes(): number {
  return (limitBytes ??= workerLimitBytes());
}

/** For tests: another limit, or null for the worker's own. */
export function setAllocationLimitBytes(bytes: number | null): void {
  limitBytes = bytes;
}

export const bytesPerElement = (dtype: DType): number => (dtype === "bool" ? 1 : 4);

/** A tensor the model asked for that cannot fit: the model's fault, reported at its line. */
export class TensorTooLargeError extends Error {
  constructor(
    readonly what: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly bytes: number,
    readonly limitBytes: number,
    /** Where the model declared it, when that is not the caller's line (an `inputs` entry). */
    readonly location: SourceLocation | null = null,
  ) {
    super(`${what} of shape [${shape.join(", ")}] (${dtype}) needs ${formatBytes(bytes)} (${bytes.toLocaleString("en-US")} bytes), more than the worker's memory limit of ${Math.round(limitBytes / 2 ** 20)} MB (--max-memory)`);
    this.name = "TensorTooLargeError";
  }
}

function formatBytes(bytes: number): string {
  const gb = bytes / 1e9;
  return gb >= 1 ? `${Number(gb.toPrecision(3))} GB` : `${Number((bytes / 1e6).toPrecision(3))} MB`;
}

/** Throws TensorTooLargeError when a `shape` tensor of `dtype` would not fit; `what` names it (`input "x"`, "a parameter"). */
export function checkAllocation(what: string, shape: readonly number[], dtype: DType): void {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * bytesPerElement(dtype);
  const limit = allocationLimitBytes();
  if (bytes > limit || count > MAX_ELEMENTS) throw new TensorTooLargeError(what, shape, dtype, bytes, Math.min(limit, MAX_ELEMENTS * bytesPerElement(dtype)));
}
