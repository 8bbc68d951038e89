import * as tf from "@tensorflow/tfjs-core";
import { castRaw } from "../ops/cast";

/** The recurrent cells Tandem runs: PyTorch's modes (nn.RNN's two nonlinearities, LSTM, GRU). */
export type RnnMode = "rnn_tanh" | "rnn_relu" | "lstm" | "gru";

export type RnnAttrs = {
  mode: RnnMode;
  hidden_size: number;
  num_layers: number;
  bidirectional: boolean;
  batch_first: boolean;
};

/** Gate blocks stacked in each weight: LSTM (i, f, g, o), GRU (r, z, n), RNN one. */
export const GATES: Readonly<Record<RnnMode, number>> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

/**
 * Inputs of the recurrent ops: [input, h0, c0 (LSTM only, else null), then for each layer and
 * direction (forward before reverse) weight_ih, weight_hh, bias_ih, bias_hh (null without bias)].
 */
export const FIRST_WEIGHT = 3;
export const PER_CELL = 4;
/** Layers times directions the op's `layouts` covers; nn.RNN and friends refuse more. */
export const MAX_CELLS = 64;

/** weight_ih and weight_hh of every cell reach the kernel as [in, gates·H]: x·W without transposeB. */
export const RNN_LAYOUTS: Readonly<Record<number, readonly number[]>> = Object.fromEntries(
  Array.from({ length: MAX_CELLS }, (_, k) => [
    [FIRST_WEIGHT + PER_CELL * k, [1, 0]],
    [FIRST_WEIGHT + PER_CELL * k + 1, [1, 0]],
  ]).flat(),
);

interface Cell {
  wihT: tf.Tensor2D;
  whhT: tf.Tensor2D;
  bih: tf.Tensor | null;
  bhh: tf.Tensor | null;
}

interface State {
  h: tf.Tensor;
  c: tf.Tensor | null;
}

/** One time step of a cell: x·W_ih (+ biases) precomputed for the whole sequence, h·W_hh here. */
function step(mode: RnnMode, xw: tf.Tensor, cell: Cell, s: State): State {
  const hw = tf.matMul(s.h, cell.whhT);
  switch (mode) {
    case "rnn_tanh":
      return { h: tf.tanh(tf.add(xw, hw)), c: null };
    case "rnn_relu":
      return { h: tf.relu(tf.add(xw, hw)), c: null };
    case "lstm": {
      const [i, f, g, o] = tf.split(tf.add(xw, hw), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const c = tf.add(tf.mul(tf.sigmoid(f), s.c as tf.Tensor), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      return { h: tf.mul(tf.sigmoid(o), tf.tanh(c)), c };
    }
    case "gru": {
      // PyTorch's GRU: n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), so b_hh stays inside the product.
      const hb = cell.bhh ? tf.add(hw, cell.bhh) : hw;
      const [xr, xz, xn] = tf.split(xw, 3, 1);
      const [hr, hz, hn] = tf.split(hb, 3, 1);
      const r = tf.sigmoid(tf.add(xr as tf.Tensor, hr as tf.Tensor));
      const z = tf.sigmoid(tf.add(xz as tf.Tensor, hz as tf.Tensor));
      const n = tf.tanh(tf.add(xn as tf.Tensor, tf.mul(r, hn as tf.Tensor)));
      // (1 - z) ⊙ n + z ⊙ h, written as n + z ⊙ (h - n).
      return { h: tf.add(n, tf.mul(z, tf.sub(s.h, n))), c: null };
    }
  }
}

/** Runs one direction of one layer over x [T, B, I]; returns the hidden states [T, B, H] in input order. */
function runDirection(mode: RnnMode, x: tf.Tensor3D, cell: Cell, start: State, reverse: boolean): { ys: tf.Tensor3D; last: State } {
  const [steps, batch, features] = x.shape;
  const width = cell.wihT.shape[1];
  // The input projection of every time step in one matMul; LSTM and RNN also fold b_hh in here.
  let xw: tf.Tensor = tf.matMul(tf.reshape(x, [steps * batch, features]), cell.wihT);
  if (cell.bih) xw = tf.add(xw, cell.bih);
  if (cell.bhh && mode !== "gru") xw = tf.add(xw, cell.bhh);
  const perStep = tf.unstack(tf.reshape(xw, [steps, batch, width]));
  const outputs = new Array<tf.Tensor>(steps);
  let state = start;
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    const previous = state;
    // Each step's temporaries are freed at once; only h (and c) live on.
    const [h, c] = tf.tidy(() => {
      const next = step(mode, perStep[t] as tf.Tensor, cell, previous);
      return next.c ? [next.h, next.c] : [next.h];
    }) as [tf.Tensor, tf.Tensor?];
    state = { h, c: c ?? null };
    outputs[t] = state.h;
  }
  return { ys: tf.stack(outputs) as tf.Tensor3D, last: state };
}

/**
 * The kernel of the rnn, lstm and gru ops: every layer and direction of one module call, as
 * PyTorch's _VF.lstm/gru/rnn computes it (eval mode: no dropout between layers).
 * Returns [output, h_n] or, for LSTM, [output, h_n, c_n].
 */
export function rnnKernel(inputs: readonly (tf.Tensor | null)[], attrs: RnnAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    const raw = castRaw(inputs[0] as tf.Tensor, "float32");
    const batched = raw.rank === 3;
    // Work in [T, B, I]: unbatched input gets a batch of one, batch-first input is transposed.
    let x = (!batched ? tf.expandDims(raw, 1) : attrs.batch_first ? tf.transpose(raw, [1, 0, 2]) : raw) as tf.Tensor3D;
    const batch = x.shape[1];
    const directions = attrs.bidirectional ? 2 : 1;
    const cells = attrs.num_layers * directions;
    const hidden = attrs.hidden_size;
    const initial = (t: tf.Tensor | null | undefined): tf.Tensor3D =>
      t ? ((batched ? castRaw(t, "float32") : tf.expandDims(castRaw(t, "float32"), 1)) as tf.Tensor3D) : tf.zeros([cells, batch, hidden]);
    const h0 = tf.unstack(initial(inputs[1]));
    const c0 = attrs.mode === "lstm" ? tf.unstack(initial(inputs[2])) : null;
    const hn: tf.Tensor[] = [];
    const cn: tf.Tensor[] = [];
    for (let layer = 0; layer < attrs.num_layers; layer++) {
      const ys: tf.Tensor3D[] = [];
      for (let d = 0; d < directions; d++) {
        const k = layer * directions + d;
        const at = FIRST_WEIGHT + PER_CELL * k;
        const cell: Cell = {
          wihT: inputs[at] as tf.Tensor2D,
          whhT: inputs[at + 1] as tf.Tensor2D,
          bih: inputs[at + 2] ?? null,
          bhh: inputs[at + 3] ?? null,
        };
        const run = runDirection(attrs.mode, x, cell, { h: h0[k] as tf.Tensor, c: c0?.[k] ?? null }, d === 1);
        ys.push(run.ys);
        hn.push(run.last.h);
        if (run.last.c) cn.push(run.last.c);
      }
      x = ys.length === 1 ? (ys[0] as tf.Tensor3D) : tf.concat(ys, 2);
    }
    let output: tf.Tensor = x;
    let hOut: tf.Tensor = tf.stack(hn);
    let cOut: tf.Tensor | null = c0 ? tf.stack(cn) : null;
    if (!batched) {
      output = tf.squeeze(output, [1]);
      hOut = tf.squeeze(hOut, [1]);
      cOut = cOut ? tf.squeeze(cOut, [1]) : null;
    } else if (attrs.batch_first) {
      output = tf.transpose(output, [1, 0, 2]);
    }
    return cOut ? [output, hOut, cOut] : [output, hOut];
  });
}
