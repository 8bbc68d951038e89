import { z } from "zod";

/**
 * A float as JSON can carry it. JSON has no NaN or Infinity (JSON.stringify writes null for them),
 * and every boundary an output crosses is JSON: the worker's IPC, the WebSocket, `--json`, saved
 * sessions and bundles. So a value that may be non-finite (an output's values and sum, a parity
 * difference) is a number when finite and spelled out as "NaN", "Infinity" or "-Infinity" when not,
 * encoded where it is made (toJsonFloat) and read back with fromJsonFloat: it survives every
 * boundary as it is, and each schema that validates it checks it once, like any other field.
 */
export const NonFinite = z.enum(["NaN", "Infinity", "-Infinity"]);
export const JsonFloat = z.union([z.number(), NonFinite]);
export type JsonFloat = z.infer<typeof JsonFloat>;

export function toJsonFloat(v: number): JsonFloat {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return "NaN";
  return v > 0 ? "Infinity" : "-Infinity";
}

/** Number("NaN"), Number("Infinity") and Number("-Infinity") are exactly the values they spell. */
export const fromJsonFloat = (v: JsonFloat): number => (typeof v === "number" ? v : Number(v));
