import { applyMulti } from "../../eager/dispatch";
import type { OpDef } from "../../ops/record";
import { ApiError, OpError } from "../errors";
import { dropout } from "../functional/dropout";
import { cat, narrow } from "../ops/shape";
import type { Parameter } from "../parameter";
import type { Tensor } from "../tensor";
import { uniformParameter } from "./init";
import { Module } from "./module";
import { py } from "./repr";
import { GATES, MAX_CELLS, type RnnAttrs, type RnnMode } from "./rnn-kernel";
import { GRU_OP, LSTM_OP, RNN_OP } from "./rnn-ops";

export interface RNNBaseOptions {
  num_layers?: number;
  bias?: boolean;
  batch_first?: boolean;
  /** Dropout on the outputs of each layer but the last, in training mode only (as PyTorch). */
  dropout?: number;
  bidirectional?: boolean;
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

const RECORD: Readonly<Record<RnnMode, OpDef<RnnAttrs>>> = { rnn_tanh: RNN_OP, rnn_relu: RNN_OP, lstm: LSTM_OP, gru: GRU_OP };

/**
 * What nn.RNN, nn.LSTM and nn.GRU share (PyTorch's RNNBase): parameters weight_ih_l{k}[_reverse],
 * weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} with PyTorch's shapes and init U(-1/√H, 1/√H), the
 * argument checks, and one op per call that runs every layer and direction.
 */
abstract class RNNBase extends Module {
  readonly num_layers: number;
  readonly bias: boolean;
  readonly batch_first: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Parameters per layer and direction, in the op's input order (null for an absent bias). */
  private readonly cellParameters: (Parameter | null)[][] = [];

  protected constructor(
    protected readonly mode: RnnMode,
    readonly input_size: number,
    readonly hidden_size: number,
    options: RNNBaseOptions,
  ) {
    super();
    this.num_layers = options.num_layers ?? 1;
    this.bias = options.bias ?? true;
    this.batch_first = options.batch_first ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    const name = this.constructor.name;
    if (!Number.isInteger(hidden_size) || hidden_size <= 0) throw new ApiError(`${name}: hidden_size must be greater than zero, got ${hidden_size}`);
    if (!Number.isInteger(input_size) || input_size <= 0) throw new ApiError(`${name}: input_size must be greater than zero, got ${input_size}`);
    if (!Number.isInteger(this.num_layers) || this.num_layers <= 0) throw new ApiError(`${name}: num_layers must be greater than zero, got ${this.num_layers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ApiError(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${this.dropout}`);
    }
    const directions = this.bidirectional ? 2 : 1;
    if (this.num_layers * directions > MAX_CELLS) throw new ApiError(`${name}: at most ${MAX_CELLS} layers × directions are supported, got ${this.num_layers * directions}`);
    const width = GATES[mode] * hidden_size;
    const bound = 1 / Math.sqrt(hidden_size);
    const param = (shape: number[]) => uniformParameter(shape, -bound, bound);
    for (let layer = 0; layer < this.num_layers; layer++) {
      for (let d = 0; d < directions; d++) {
        const suffix = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        const features = layer === 0 ? input_size : hidden_size * directions;
        const cell: (Parameter | null)[] = [param([width, features]), param([width, hidden_size])];
        cell.push(...(this.bias ? [param([width]), param([width])] : [null, null]));
        ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].forEach((kind, i) => {
          const p = cell[i];
          if (p) this.register_parameter(`${kind}${suffix}`, p);
        });
        this.cellParameters.push(cell);
      }
    }
  }

  /** The cell parameters as they are now (load_state_dict replaces values in place, not objects). */
  private weights(fromLayer: number, layers: number): (Parameter | null)[] {
    const directions = this.bidirectional ? 2 : 1;
    return this.cellParameters.slice(fromLayer * directions, (fromLayer + layers) * directions).flat();
  }

  /** PyTorch's all_weights: per layer and direction, [weight_ih, weight_hh, bias_ih, bias_hh] (no biases when bias=false). */
  get all_weights(): Parameter[][] {
    return this.cellParameters.map((cell) => cell.filter((p): p is Parameter => p !== null));
  }

  /** A no-op, as PyTorch's on CPU: cuDNN's contiguous weight buffer does not exist here. */
  flatten_parameters(): void {}

  /** PyTorch's check_forward_args: input rank and features, then each state's shape. */
  protected check(input: Tensor, states: readonly (Tensor | null)[]): void {
    const name = this.constructor.name;
    if (input.dim() !== 2 && input.dim() !== 3) throw new OpError(name, [input.shape], `Expected input to be 2D or 3D, got ${input.dim()}D instead`);
    const features = input.shape[input.dim() - 1];
    if (features !== this.input_size) {
      throw new OpError(name, [input.shape], `input.size(-1) must be equal to input_size. Expected ${this.input_size}, got ${features}`);
    }
    const batched = input.dim() === 3;
    const given = states.filter((s): s is Tensor => s !== null);
    if (given.some((s) => s.dim() !== input.dim())) {
      const ranks = given.map((s) => `${s.dim()}-D`);
      const detail = this.mode === "lstm" ? `hx and cx should also be ${input.dim()}-D but got (${ranks.join(", ")}) tensors` : `hx should also be ${input.dim()}-D but got ${ranks[0]} tensor`;
      throw new OpError(name, [input.shape, ...given.map((s) => s.shape)], `For ${batched ? "batched 3-D" : "unbatched 2-D"} input, ${detail}`);
    }
    const batch = batched ? (input.shape[this.batch_first ? 0 : 1] as number) : null;
    const expected = [this.num_layers * (this.bidirectional ? 2 : 1), ...(batch === null ? [] : [batch]), this.hidden_size];
    states.forEach((s, i) => {
      if (s && s.shape.join() !== expected.join()) {
        const what = this.mode === "lstm" ? `hidden[${i}]` : "hidden";
        throw new OpError(name, [input.shape, s.shape], `Expected ${what} size (${expected.join(", ")}), got [${s.shape.join(", ")}]`);
      }
    });
  }

  /** Runs the op: one call for all layers, or (training with dropout) one per layer with dropout between. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): Tensor[] {
    const attrs = { mode: this.mode, hidden_size: this.hidden_size, bidirectional: this.bidirectional, batch_first: this.batch_first };
    const record = RECORD[this.mode];
    if (!this.training || this.dropout === 0 || this.num_layers === 1) {
      return applyMulti(record, [input, h0, c0, ...this.weights(0, this.num_layers)], { ...attrs, num_layers: this.num_layers });
    }
    const directions = this.bidirectional ? 2 : 1;
    const slab = (s: Tensor | null, layer: number) => (s ? narrow(s, 0, layer * directions, directions) : null);
    let x = input;
    const finals: Tensor[][] = [];
    for (let layer = 0; layer < this.num_layers; layer++) {
      if (layer > 0) x = dropout(x, { p: this.dropout, training: true });
      const [y, ...last] = applyMulti(record, [x, slab(h0, layer), slab(c0, layer), ...this.weights(layer, 1)], { ...attrs, num_layers: 1 });
      x = y as Tensor;
      finals.push(last);
    }
    return [x, ...(finals[0] as Tensor[]).map((_, i) => cat(finals.map((f) => f[i] as Tensor), 0))];
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (this.mode === "rnn_relu") s += ", nonlinearity='relu'";
    if (!this.bias) s += ", bias=False";
    if (this.batch_first) s += ", batch_first=True";
    if (this.dropout !== 0) s += `, dropout=${py(this.dropout)}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

/** nn.RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu). Returns [output, h_n]. */
export class RNN extends RNNBase {
  readonly nonlinearity: "tanh" | "relu";

  constructor(input_size: number, hidden_size: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? "tanh";
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") throw new ApiError(`RNN: Unknown nonlinearity '${String(nonlinearity)}'. Select from 'tanh' or 'relu'.`);
    super(nonlinearity === "tanh" ? "rnn_tanh" : "rnn_relu", input_size, hidden_size, options);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    this.check(input, [hx]);
    const [output, hn] = this.run(input, hx, null);
    return [output as Tensor, hn as Tensor];
  }
}

/** nn.GRU, PyTorch's formulation (r applied to h·W_hn + b_hn). Returns [output, h_n]. */
export class GRU extends RNNBase {
  constructor(input_size: number, hidden_size: number, options: RNNBaseOptions = {}) {
    super("gru", input_size, hidden_size, options);
  }

  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    this.check(input, [hx]);
    const [output, hn] = this.run(input, hx, null);
    return [output as Tensor, hn as Tensor];
  }
}

/** nn.LSTM: gates (i, f, g, o) as PyTorch stores them. Returns [output, [h_n, c_n]]. */
export class LSTM extends RNNBase {
  constructor(input_size: number, hidden_size: number, options: RNNBaseOptions = {}) {
    super("lstm", input_size, hidden_size, options);
  }

  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [h0, c0] = hx ?? [null, null];
    this.check(input, [h0, c0]);
    const [output, hn, cn] = this.run(input, h0, c0);
    return [output as Tensor, [hn as Tensor, cn as Tensor]];
  }
}
