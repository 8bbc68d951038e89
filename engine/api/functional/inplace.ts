/**
 * PyTorch's `inplace` flag, accepted where torch.nn.functional takes it: `F.relu(x, { inplace: true })`
 * or positionally, `F.relu(x, true)`. Tandem's tensors are immutable values (that is what lets a model
 * be traced and replayed), so the op returns its result as a new tensor and the input keeps its values:
 * the result is PyTorch's, provided the code uses what the call returns (`x = F.relu(x, { inplace: true })`,
 * `nn.ReLU({ inplace: true })` in a Sequential), as PyTorch code almost always does.
 */
import { relu as reluOp, silu as siluOp } from "../ops/elementwise";
import type { Tensor } from "../tensor";

/** `true`, `false` or `{ inplace }`: how PyTorch's inplace argument reaches a Tandem function. */
export type InplaceArg = boolean | { inplace?: boolean };

/** The flag's value, for modules that print it (`ReLU(inplace=True)`). */
export const inplaceFlag = (arg: InplaceArg | undefined): boolean => (typeof arg === "object" ? (arg.inplace ?? false) : (arg ?? false));

export function relu(x: Tensor, _inplace?: InplaceArg): Tensor {
  return reluOp(x);
}

export function silu(x: Tensor, _inplace?: InplaceArg): Tensor {
  return siluOp(x);
}
