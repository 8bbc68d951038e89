/** Number and size formatting shared by the window's panels; pure, so it is unit-tested in Node. */
import { type JsonFloat, fromJsonFloat } from "../../../shared/float";

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value < 1) return `${(value * 1000).toFixed(0)} µs`;
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value.toFixed(1)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const units = ["B", "KB", "MB", "GB"];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export const shape = (dims: readonly number[]): string => `[${dims.join(", ")}]`;

/** A value as a short, aligned-looking token: 4 significant digits, exponent when tiny or huge. */
export function value(encoded: JsonFloat): string {
  const v = fromJsonFloat(encoded);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

export function diff(encoded: JsonFloat): string {
  const v = fromJsonFloat(encoded);
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  return v.toExponential(1);
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** The file name of a path, whatever its separators. */
export const basename = (file: string): string => file.split(/[\\/]/).pop() ?? file;

export type ParityLevel = "exact" | "close" | "loose" | "off";

/**
 * How far a graph result is from eager, for the badge: bit-identical, within float32 rounding of
 * a long reduction (1e-5 of the output's scale), within 1e-3, or further; always "off" where the
 * two disagree on a NaN or an infinity.
 */
export function parityLevel(maxAbsDiff: number, scale: number, nonFiniteMismatch = false): ParityLevel {
  if (nonFiniteMismatch || !Number.isFinite(maxAbsDiff)) return "off";
  if (maxAbsDiff === 0) return "exact";
  const relative = maxAbsDiff / Math.max(scale, 1e-12);
  if (relative <= 1e-5) return "close";
  if (relative <= 1e-3) return "loose";
  return "off";
}
