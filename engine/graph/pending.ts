import type * as tf from "@tensorflow/tfjs-core";
import type { DType } from "../api/dtype";
import { Tensor } from "../api/tensor";

/**
 * A tensor whose value a graph will compute: its shape and dtype are known (from the segment it
 * belongs to), its data only once the segment has run. Reading the data (x.item(), a kernel that
 * needs it) runs the segment first: that is the graph break, as in torch.compile's lazy tensors.
 */
export class PendingTensor extends Tensor {
  private settled = false;

  constructor(
    private readonly pendingShape: number[],
    private readonly pendingDType: DType,
    private readonly materialize: (self: PendingTensor) => void,
  ) {
    super(undefined as unknown as tf.Tensor);
  }

  /** @internal Gives the tensor its value (the segment ran). */
  settle(raw: tf.Tensor): void {
    this._raw = raw;
    this.settled = true;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** @internal */
  override get raw(): tf.Tensor {
    if (!this.settled) this.materialize(this);
    if (!this.settled) throw new Error("internal: a pending tensor was not computed by its segment");
    return this._raw;
  }

  /** @internal */
  override get rawShape(): readonly number[] {
    return this.settled ? this._raw.shape : this.pendingShape;
  }

  override get dtype(): DType {
    return this.settled ? (this._raw.dtype as DType) : this.pendingDType;
  }

  /** @internal */
  override inLayout(perm: readonly number[]): tf.Tensor {
    return super.inLayout.call({ _raw: this.raw } as unknown as Tensor, perm);
  }
}
