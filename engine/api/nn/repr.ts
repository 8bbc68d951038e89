/** Python's repr of the values modules print, so `String(model)` reads like PyTorch's print(model). */
export function py(value: number | boolean | string | null | readonly (number | null)[]): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return `'${value}'`;
  if (Array.isArray(value)) return `(${value.map((v) => py(v as number | null)).join(", ")})`;
  const n = value as number;
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  // Python switches to exponent notation below 1e-4 and pads the exponent to two digits.
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) return n.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(n);
}
