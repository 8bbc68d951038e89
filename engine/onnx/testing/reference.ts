/**
 * Plain-JS versions of the few ops the ONNX tests run, written the obvious way (loops, float64
 * accumulation) so that a mismatch points at the model or the runtime, not at this file.
 */

/** Deterministic values in [-1, 1): tests need fixed data, not Tandem's seeded streams. */
export function lcg(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** [m, k] x [k, n] -> [m, n], row-major. */
export function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += (a[i * k + p] as number) * (b[p * n + j] as number);
      out[i * n + j] = acc;
    }
  }
  return out;
}

export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j] as number;
  return out;
}

export interface Conv2dShape {
  n: number; c: number; h: number; w: number; // input, NCHW
  f: number; kh: number; kw: number; // filters [f, c, kh, kw]
  stride: number; pad: number;
}

/** NCHW convolution with bias, symmetric zero padding, one stride for both axes. */
export function conv2d(x: Float32Array, weight: Float32Array, bias: Float32Array, s: Conv2dShape): { data: Float32Array; shape: number[] } {
  const oh = Math.floor((s.h + 2 * s.pad - s.kh) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * s.pad - s.kw) / s.stride) + 1;
  const out = new Float32Array(s.n * s.f * oh * ow);
  for (let n = 0; n < s.n; n++) {
    for (let f = 0; f < s.f; f++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let acc = bias[f] as number;
          for (let c = 0; c < s.c; c++) {
            for (let ky = 0; ky < s.kh; ky++) {
              for (let kx = 0; kx < s.kw; kx++) {
                const iy = oy * s.stride - s.pad + ky;
                const ix = ox * s.stride - s.pad + kx;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                acc += (x[((n * s.c + c) * s.h + iy) * s.w + ix] as number) * (weight[((f * s.c + c) * s.kh + ky) * s.kw + kx] as number);
              }
            }
          }
          out[((n * s.f + f) * oh + oy) * ow + ox] = acc;
        }
      }
    }
  }
  return { data: out, shape: [s.n, s.f, oh, ow] };
}
