/**
 * PyTorch-style printing: `tensor([[ 0.1235, -1.0000]], dtype=...)`, eliding the middle of large
 * tensors (more than 1000 elements, 3 edge items) as torch does.
 */
export type Nested = number | boolean | Nested[];

const THRESHOLD = 1000;
const EDGE = 3;

function formatScalar(v: number | boolean, dtype: string): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (dtype !== "float32") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e8 || abs < 1e-4)) return v.toExponential(4);
  return v.toFixed(4);
}

function formatNested(value: Nested, dtype: string, elide: boolean, indent: number): string {
  if (!Array.isArray(value)) return formatScalar(value, dtype);
  const items = elide && value.length > 2 * EDGE ? [...value.slice(0, EDGE), null, ...value.slice(-EDGE)] : value;
  const parts = items.map((v) => (v === null ? "..." : formatNested(v, dtype, elide, indent + 1)));
  const nested = Array.isArray(value[0]);
  const sep = nested ? `,\n${" ".repeat(indent + 1)}` : ", ";
  return `[${parts.join(sep)}]`;
}

export function formatTensor(values: Nested, shape: readonly number[], dtype: string): string {
  const count = shape.reduce((a, b) => a * b, 1);
  const body = formatNested(values, dtype, count > THRESHOLD, "tensor(".length);
  const suffix = dtype === "float32" ? "" : `, dtype=${dtype}`;
  const shapeNote = count > THRESHOLD ? `, shape=[${shape.join(", ")}]` : "";
  return `tensor(${body}${shapeNote}${suffix})`;
}
