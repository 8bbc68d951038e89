/**
 * A model whose control flow depends on a tensor's VALUE, not only on its shape.
 *
 * Data-dependent routing is common in research code: early-exit networks stop when a classifier
 * is confident, mixture-of-depths models skip layers for "easy" inputs, and many forward passes
 * carry an `if` on some statistic of the batch. Here a scalar gate, the mean of the input batch,
 * picks one of two heads on a shared encoder:
 *
 *   h = ReLU(encoder(x))                                          [N, 32]
 *   gate = mean(x)  (a JS number)
 *   gate > threshold ? deep head:    Linear -> ReLU -> Linear      [N, 8]
 *                    : shallow head: Linear                        [N, 8]
 *
 * Eager vs graph mode: reading a value out of a tensor (`.item()`, or using a one-element tensor
 * as a number, e.g. `if (Number(x.sum()) > 0)`, which goes through Symbol.toPrimitive) forces the
 * computation so far to finish and hands a plain number to JavaScript. In eager mode that simply
 * works, as in PyTorch. A traced graph cannot contain a JavaScript `if` whose outcome depends on
 * data, so graph mode reports this line as a graph break: the graph ends at the read, the branch
 * runs in JavaScript, and a new graph starts after it (like torch.compile's graph breaks).
 */
import { nn, F, type Tensor } from "tandem";

export default class BranchingNet extends nn.Module {
  encoder: nn.Linear;
  deep1: nn.Linear;
  deep2: nn.Linear;
  shallow: nn.Linear;
  /** Batches whose mean is above this take the deep head. */
  readonly threshold: number;

  constructor(inFeatures = 16, hidden = 32, outFeatures = 8, threshold = 0) {
    super();
    this.encoder = new nn.Linear(inFeatures, hidden);
    this.deep1 = new nn.Linear(hidden, hidden);
    this.deep2 = new nn.Linear(hidden, outFeatures);
    this.shallow = new nn.Linear(hidden, outFeatures);
    this.threshold = threshold;
  }

  override forward(x: Tensor): Tensor {
    const h = F.relu(this.encoder(x));

    // A data-dependent decision: .item() turns the one-element tensor into a JS number.
    const gate = x.mean().item();
    const useDeep = gate > this.threshold;
    console.log(`BranchingNet: gate = mean(x) = ${gate.toFixed(4)} -> ${useDeep ? "deep" : "shallow"} head`);

    if (useDeep) return this.deep2(F.relu(this.deep1(h)));
    return this.shallow(h);
  }
}

/** A batch of 4 feature vectors of width 16. */
export const inputs = {
  x: [4, 16],
};
