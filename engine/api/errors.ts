/**
 * An op was called with arguments it cannot work on (shapes, dims, dtypes). The message names the op
 * and the shapes the way PyTorch users read them: `matmul: [8,784] x [1024,10]: ...`. The worker adds
 * the user's file:line:col from the stack.
 */
export class OpError extends Error {
  constructor(
    readonly op: string,
    readonly shapes: readonly (readonly number[])[],
    readonly detail: string,
  ) {
    super(`${op}: ${shapes.map(formatShape).join(" x ")}: ${detail}`);
    this.name = "ShapeError";
  }
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Wrong use of the API that is not about shapes (a bad option, a missing argument). */
export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TandemError";
  }
}

/** Converts a negative dim to its positive index and checks its range, as PyTorch does. */
export function normalizeDim(dim: number, rank: number, op: string, shape: readonly number[]): number {
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new OpError(op, [shape], `dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}
