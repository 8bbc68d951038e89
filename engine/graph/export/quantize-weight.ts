/**
 * Symmetric int8 quantization of a weight matrix, one scale per output column, as onnxruntime's
 * quantize_dynamic does with per_channel=True: zero point 0, scale = max|w| / qmax, and
 * q = round(w / scale) with numpy's rounding (half to even), clamped to [-qmax, qmax].
 */

/** A float matrix in row-major order: B of `y = x @ B`, rows = K (inputs), cols = N (outputs). */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface QuantizedMatrix {
  rows: number;
  cols: number;
  data: Int8Array;
  /** One per column: w[k, n] ~= data[k, n] * scales[n]. */
  scales: Float32Array;
}

/**
 * 127: the full int8 range. 64 is onnxruntime's `reduce_range` (7-bit weights): with uint8
 * activations the AVX2 kernel adds two u8*s8 products into a saturating int16, and
 * 2 * 255 * 64 < 32767 keeps that sum exact on machines without AVX-VNNI.
 */
export type WeightRange = 127 | 64;

/** numpy.round: halves go to the even neighbour (2.5 -> 2, 3.5 -> 4), not up as Math.round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export function quantizeColumns(m: Matrix, qmax: WeightRange): QuantizedMatrix {
  const { rows, cols, data } = m;
  const scales = new Float32Array(cols);
  for (let k = 0; k < rows; k++) {
    for (let n = 0; n < cols; n++) scales[n] = Math.max(scales[n] as number, Math.abs(data[k * cols + n] as number));
  }
  // A column of zeros gets scale 1: any scale reproduces it, and 0 would divide by zero.
  for (let n = 0; n < cols; n++) scales[n] = (scales[n] as number) > 0 ? Math.fround((scales[n] as number) / qmax) : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < q.length; i++) {
    const v = roundHalfEven((data[i] as number) / (scales[i % cols] as number));
    q[i] = Math.min(qmax, Math.max(-qmax, v));
  }
  return { rows, cols, data: q, scales };
}

/** The float matrix the quantized one stands for: what the tests compare against the original. */
export function dequantize(q: QuantizedMatrix): Float32Array {
  return Float32Array.from(q.data, (v, i) => v * (q.scales[i % q.cols] as number));
}
