/**
 * A deep residual MLP built by looping over an nn.ModuleList.
 *
 * When a model repeats the same block N times, keep the blocks in an nn.ModuleList (not a plain
 * array): the list registers every block as a submodule, so its parameters are counted, saved
 * and loaded (keys blocks.0.fc1.weight, blocks.1.fc1.weight, ...), exactly like PyTorch's.
 * forward() then iterates over it with an ordinary for-of loop.
 *
 * Each block is a pre-norm residual MLP, x + fc2(GELU(fc1(LayerNorm(x)))), the feed-forward half
 * of a transformer layer. Adding the block's output to its input keeps a clean identity path
 * through the stack, so depth can grow without the signal vanishing.
 */
import { nn, F, type Tensor } from "tandem";

/** LayerNorm -> Linear(d, hidden) -> GELU -> Linear(hidden, d). Returns the residual update only. */
class ResidualMLPBlock extends nn.Module {
  norm: nn.LayerNorm;
  fc1: nn.Linear;
  fc2: nn.Linear;

  constructor(dim: number, hidden: number) {
    super();
    this.norm = new nn.LayerNorm(dim);
    this.fc1 = new nn.Linear(dim, hidden);
    this.fc2 = new nn.Linear(hidden, dim);
  }

  override forward(x: Tensor): Tensor {
    return this.fc2(F.gelu(this.fc1(this.norm(x))));
  }
}

export default class ResidualMLPStack extends nn.Module {
  blocks: nn.ModuleList<ResidualMLPBlock>;
  norm: nn.LayerNorm;
  head: nn.Linear;

  constructor(dim = 32, hidden = 64, depth = 4, outFeatures = 10) {
    super();
    // N identical (but independently initialised) blocks.
    this.blocks = new nn.ModuleList(Array.from({ length: depth }, () => new ResidualMLPBlock(dim, hidden)));
    this.norm = new nn.LayerNorm(dim);
    this.head = new nn.Linear(dim, outFeatures);
  }

  override forward(x: Tensor): Tensor {
    // The residual connection lives here, in the loop: x_{i+1} = x_i + block_i(x_i).
    for (const block of this.blocks) x = x.add(block(x));
    return this.head(this.norm(x)); // [N, 10]
  }
}

/** A batch of 4 feature vectors of width 32. */
export const inputs = {
  x: [4, 32],
};
