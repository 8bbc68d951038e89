import type { BenchCase, BenchResult, Missing } from "../../../../shared/bench";

/** Shared by the Bench tab's charts: the palette, number formats, and each variant's name, label and colour. */

export interface BenchPalette {
  eager: string;
  graph: string;
  /** Body text (axis labels) and faint text (the RSS line, idle points). */
  text: string;
  faint: string;
}

export const isMissing = (v: number | Missing): v is Missing => typeof v === "object";
export const num = (v: number | Missing): number | null => (isMissing(v) ? null : v);
export const mb = (bytes: number): number => bytes / (1024 * 1024);

export const fmtMs = (v: number): string => {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  if (v < 0.01) return `${(v * 1000).toFixed(1)} µs`;
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 100) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(0)} ms`;
};


/** "eager", "graph:tfjs", "graph:ort@2t", "ort-bare@1t" as a short axis label: "eager", "tfjs", "ort 2t", "bare 1t". */
export function variantLabel(name: string): string {
  const [mode = name, threads] = name.split("@");
  const short = mode === "graph:tfjs" ? "tfjs" : mode === "graph:ort" ? "ort" : mode === "ort-bare" ? "bare" : mode;
  return threads ? `${short} ${threads}` : short;
}

export const modeOf = (name: string): string => name.split("@")[0] ?? name;

function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m?.[1]) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** `a` moved a fraction `t` towards `b` (both #rgb or #rrggbb); `a` itself when either is not hex. */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return a;
  return `#${x.map((v, i) => Math.round(v + ((y[i] as number) - v) * t).toString(16).padStart(2, "0")).join("")}`;
}

/** A hex colour with an alpha, as rgba(); other colours are returned as they are. */
export function alpha(color: string, a: number): string {
  const c = parseHex(color);
  return c ? `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})` : color;
}

/**
 * A variant's colour, the run columns' own: eager blue, graph orange. graph:tfjs is the graph
 * colour itself; onnxruntime variants are shades of it (towards the text colour, one step per
 * thread count), bare onnxruntime a greyer one.
 */
export function variantColor(name: string, palette: BenchPalette, names: readonly string[] = []): string {
  const mode = modeOf(name);
  if (mode === "eager") return palette.eager;
  if (mode === "graph:tfjs") return palette.graph;
  const same = [...new Set(names.filter((n) => modeOf(n) === mode))];
  const step = Math.max(0, same.indexOf(name));
  if (mode === "graph:ort") return mix(palette.graph, palette.text, Math.min(0.8, 0.5 + 0.15 * step));
  return mix(palette.graph, palette.faint, Math.min(0.9, 0.6 + 0.1 * step));
}

/** Every variant name in a result, in the order the cases first list them. */
export function variantNames(result: BenchResult): string[] {
  return [...new Set(result.cases.flatMap((c) => c.variants.map((v) => v.name)))];
}

/** The batch sizes that measured something (a bench stopped early can end with one that did not). */
export const measuredCases = (result: BenchResult): BenchCase[] => result.cases.filter((c) => c.variants.length > 0);

export const batchText = (batch: number | null): string => (batch === null ? "model's inputs" : `batch ${batch}`);
