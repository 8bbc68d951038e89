import * as tf from "@tensorflow/tfjs-core";
import { disposeAfterOp } from "../eager/deferred-dispose";
import { Tensor } from "./tensor";

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

const samePerm = (a: readonly number[] | null, b: readonly number[]): boolean =>
  a !== null && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A learnable weight. It reads as PyTorch's layout (`shape`, `state_dict`, math on it), but a layer
 * may ask for it in the layout its kernel wants (Linear: [in, out]; Conv2d: HWIO) through `kernel()`.
 * Only one layout is stored at a time, converted on demand, so weights are never held twice.
 */
export class Parameter extends Tensor {
  /** How the stored tensor is permuted from PyTorch's layout; null when it is PyTorch's. */
  private perm: number[] | null = null;
  private torchShape: number[];

  constructor(data: Tensor) {
    const raw = data.raw;
    super(tf.keep(tf.clone(raw)));
    this.torchShape = [...raw.shape];
  }

  /** @internal */
  override get raw(): tf.Tensor {
    if (this.perm !== null) {
      const torchLayout = tf.keep(tf.transpose(this._raw, inverse(this.perm)));
      disposeAfterOp(this._raw);
      this._raw = torchLayout;
      this.perm = null;
    }
    return this._raw;
  }

  /** @internal PyTorch's layout, whatever layout is stored. */
  override get rawShape(): readonly number[] {
    return this.torchShape;
  }

  /** @internal The weight permuted by `perm` from PyTorch's layout, stored that way until someone asks otherwise. */
  override inLayout(perm: readonly number[]): tf.Tensor {
    if (samePerm(this.perm, perm)) return this._raw;
    const permuted = tf.keep(tf.transpose(this.raw, [...perm]));
    disposeAfterOp(this._raw);
    this._raw = permuted;
    this.perm = [...perm];
    return permuted;
  }

  /** @internal Replaces the values in PyTorch's layout, taking ownership of `values`. */
  override assign(values: tf.Tensor): void {
    super.assign(values);
    this.perm = null;
    this.torchShape = [...values.shape];
  }

  /** @internal A parameter made from a temporary `raw`, which is freed: for layers creating their own weights. */
  static adopt(raw: tf.Tensor): Parameter {
    const p = new Parameter(new Tensor(raw));
    raw.dispose();
    return p;
  }
}
