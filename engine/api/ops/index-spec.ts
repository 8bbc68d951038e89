import { ApiError } from "../errors";
import type { Tensor } from "../tensor";

/**
 * The items of a Python-style index (`x[..., 1:-1:2, None, idx]`) as TypeScript values, and the
 * parser for its string form. `x.idx("..., :2")` and `x.idx(ellipsis, slice(null, 2))` mean the
 * same; strings and structured items mix freely (`x.idx(":", idxTensor)`).
 */

/** Python's `...`: as many full slices as the index leaves dims unnamed. */
export const ellipsis: unique symbol = Symbol("...");
export type Ellipsis = typeof ellipsis;

/** Python's `start:stop:step`; null is the default (0, the size, 1). */
export interface Slice {
  readonly kind: "slice";
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/** slice(stop), or slice(start, stop, step) as Python's builtin: `slice(null, 2)` is `:2`. */
export function slice(...args: [] | [number | null] | [number | null, number | null] | [number | null, number | null, number | null]): Slice {
  if (args.length === 1) return { kind: "slice", start: null, stop: args[0], step: null };
  return { kind: "slice", start: args[0] ?? null, stop: args[1] ?? null, step: args[2] ?? null };
}

/** One index item; a string holds one or more comma-separated items in Python's syntax. */
export type IndexItem = number | null | Ellipsis | Slice | Tensor | string;
/** What a string item becomes: everything but tensors. */
export type ParsedItem = Exclude<IndexItem, string | Tensor>;

const cache = new Map<string, readonly ParsedItem[]>();

const INTEGER = /^[+-]?\d+$/;

function bound(text: string, part: string, spec: string): number | null {
  const t = text.trim();
  if (t === "" || t === "None") return null;
  if (!INTEGER.test(t)) throw new ApiError(`x.idx(): cannot read "${part.trim()}" in "${spec}": "${t}" is not an integer`);
  return Number(t);
}

function parseItem(part: string, spec: string): ParsedItem {
  const t = part.trim();
  if (t === "...") return ellipsis;
  if (t === "None") return null;
  if (t.includes(":")) {
    const bounds = t.split(":");
    if (bounds.length > 3) throw new ApiError(`x.idx(): cannot read "${t}" in "${spec}": a slice is start:stop:step, with at most two colons`);
    const [start, stop, step] = bounds.map((b) => bound(b, t, spec));
    return { kind: "slice", start: start ?? null, stop: stop ?? null, step: step ?? null };
  }
  if (INTEGER.test(t)) return Number(t);
  throw new ApiError(
    `x.idx(): cannot read "${t}" in "${spec}": each comma-separated part must be an integer, a slice start:stop:step, "..." or None (pass tensors as separate arguments)`,
  );
}

/** Parses Python's index syntax once per distinct string ("" is no index: x[()]). */
export function parseIndex(spec: string): readonly ParsedItem[] {
  const known = cache.get(spec);
  if (known) return known;
  const trimmed = spec.trim();
  const parts = trimmed === "" ? [] : trimmed.split(",");
  // Python allows one trailing comma: "0," is the tuple (0,).
  if (parts.length > 1 && parts[parts.length - 1]?.trim() === "") parts.pop();
  const items = parts.map((p) => parseItem(p, spec));
  cache.set(spec, items);
  return items;
}

/** The items with every string replaced by what it parses to. */
export function expandItems(items: readonly IndexItem[]): Exclude<IndexItem, string>[] {
  return items.flatMap((item): Exclude<IndexItem, string>[] => (typeof item === "string" ? [...parseIndex(item)] : [item]));
}
