import { OpError } from "../errors";
import type { Tensor } from "../tensor";
import { broadcastShapes } from "./broadcast";
import { add, mul } from "./elementwise";
import { matmul } from "./linalg";
import { unsqueeze } from "./shape";

/**
 * torch.bmm, baddbmm and outer: composites of matmul, mul and add with PyTorch's stricter shape
 * rules, so they trace, export and count FLOPs as those ops.
 */

/** torch.bmm(input, mat2): [b, n, m] x [b, m, p] -> [b, n, p], no broadcasting. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  const shapes = [a.shape, b.shape];
  if (a.dim() !== 3) throw new OpError("bmm", shapes, "batch1 must be a 3D tensor");
  if (b.dim() !== 3) throw new OpError("bmm", shapes, "batch2 must be a 3D tensor");
  const [batch, , m] = a.shape as [number, number, number];
  if (b.shape[0] !== batch || b.shape[1] !== m) {
    throw new OpError("bmm", shapes, `Expected size for first two dimensions of batch2 tensor to be: [${batch}, ${m}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  return matmul(a, b);
}

export interface BaddbmmOptions {
  beta?: number;
  alpha?: number;
}

/**
 * torch.baddbmm(input, batch1, batch2, beta=1, alpha=1): beta * input + alpha * (batch1 @ batch2),
 * input broadcast to the product's shape. With beta 0, input is ignored (NaN in it does not leak),
 * as PyTorch documents.
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: BaddbmmOptions = {}): Tensor {
  const { beta = 1, alpha = 1 } = options;
  const product = bmm(batch1, batch2);
  const out = broadcastShapes("baddbmm", input.shape, product.shape);
  if (out.some((n, k) => n !== product.shape[k])) {
    throw new OpError("baddbmm", [input.shape, batch1.shape, batch2.shape], `input of shape [${input.shape.join(", ")}] cannot be broadcast to the product's shape [${product.shape.join(", ")}]`);
  }
  const scaled = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return scaled;
  return add(scaled, beta === 1 ? input : mul(input, beta));
}

/** torch.outer(input, vec2): the outer product of two 1-D tensors, [n] x [m] -> [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) {
    const which = a.dim() !== 1 ? `self, but got ${a.dim()}-D` : `vec2, but got ${b.dim()}-D`;
    throw new OpError("outer", [a.shape, b.shape], `outer: Expected 1-D argument ${which}`);
  }
  return mul(unsqueeze(a, 1), b);
}
