/**
 * Tandem's dtypes are tfjs's. tfjs has no 64-bit integers, so PyTorch's int64 ("long") maps to
 * int32: indices and token ids above 2^31 are out of reach, which no model on this workbench needs.
 */
export type DType = "float32" | "int32" | "bool";

/** What users may write: PyTorch's spellings are accepted and normalised. */
export type DTypeLike = DType | "int64" | "long" | "int" | "float" | "float64";

const ALIASES: Record<DTypeLike, DType> = {
  float32: "float32",
  float: "float32",
  // float64 is computed in float32: tfjs kernels have no double precision.
  float64: "float32",
  int32: "int32",
  int64: "int32",
  long: "int32",
  int: "int32",
  bool: "bool",
};

export function toDType(value: string): DType {
  const dtype = (ALIASES as Record<string, DType | undefined>)[value];
  if (!dtype) {
    throw new TypeError(`unknown dtype "${value}": use one of ${Object.keys(ALIASES).join(", ")}`);
  }
  return dtype;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** PyTorch's type promotion for the dtypes Tandem has: bool < int < float. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype a plain JS number takes when mixed with a tensor of `dtype` (PyTorch's "wrapped number" rule). */
export function scalarResultType(dtype: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return dtype;
  if (dtype === "float32") return "float32";
  return Number.isInteger(value) ? (dtype === "bool" ? "int32" : dtype) : "float32";
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32";
}
