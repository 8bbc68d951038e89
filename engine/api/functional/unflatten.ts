import { OpError, formatShape, normalizeDim } from "../errors";
import { reshape } from "../ops/shape";
import type { Tensor } from "../tensor";

/** torch.unflatten(x, dim, sizes): a reshape that splits dim into sizes (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim(), "unflatten", x.shape);
  if (sizes.length === 0) throw new OpError("unflatten", [x.shape], "unflatten: sizes must be non-empty");
  const size = x.shape[d] as number;
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const inferred = sizes.filter((s) => s === -1).length;
  const fits = inferred === 0 ? known === size : inferred === 1 && known > 0 && size % known === 0;
  if (!fits) {
    throw new OpError("unflatten", [x.shape], `unflatten: Provided sizes ${formatShape(sizes)} don't multiply up to the size of dim ${dim} (${size}) in the input tensor`);
  }
  const resolved = sizes.map((s) => (s === -1 ? size / known : s));
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}
