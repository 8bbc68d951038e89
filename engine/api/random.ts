import seedrandom from "seedrandom";

/**
 * A seeded stream of random numbers. Weights and example inputs come from separate streams derived
 * from one seed, so adding a layer to a model does not change the inputs it is fed.
 */
export class Generator {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;

  constructor(readonly seed: number | string) {
    // Alea: fast, small state, and the generator tfjs itself uses for seeded ops.
    this.prng = seedrandom.alea(String(seed), { state: true });
  }

  private next(): number {
    return this.prng();
  }

  /** Where the stream is now; `restore` goes back there, so a graph can redraw what eager drew. */
  snapshot(): seedrandom.State.Alea {
    return this.prng.state();
  }

  restore(state: seedrandom.State.Alea): void {
    this.prng = seedrandom.alea("", { state });
  }

  /** A stream that depends only on this seed and `purpose`. */
  derive(purpose: string): Generator {
    return new Generator(`${this.seed}:${purpose}`);
  }

  /** Samples in [low, high). A draw just below `high` can round up to it in float32; those are nudged down. */
  uniform(count: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(count);
    const span = high - low;
    const below = floatBelow(high);
    for (let i = 0; i < count; i++) {
      out[i] = low + span * this.next();
      if ((out[i] as number) >= high) out[i] = below;
    }
    return out;
  }

  /** Standard normal samples by Box-Muller, two per pair of uniforms. */
  normal(count: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 2) {
      const u1 = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
      const u2 = this.next();
      const radius = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * radius * Math.cos(2 * Math.PI * u2);
      if (i + 1 < count) out[i + 1] = mean + std * radius * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  /** Integers in [low, high), like torch.randint. */
  integers(count: number, low: number, high: number): Int32Array {
    const out = new Int32Array(count);
    const span = high - low;
    for (let i = 0; i < count; i++) out[i] = low + Math.floor(this.next() * span);
    return out;
  }
}

/** The largest float32 strictly below `x`. */
function floatBelow(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  bits[0] = (bits[0] as number) + (x > 0 ? -1 : x < 0 ? 1 : 0);
  if (x === 0) f[0] = -1.4e-45;
  return f[0] as number;
}

let current = new Generator(0);

/** Seeds the default generator that weight init, randn and rand draw from, like torch.manual_seed. */
export function manual_seed(seed: number): Generator {
  if (!Number.isFinite(seed)) throw new TypeError(`manual_seed expects a finite number, got ${seed}`);
  current = new Generator(seed);
  return current;
}

export function defaultGenerator(): Generator {
  return current;
}
