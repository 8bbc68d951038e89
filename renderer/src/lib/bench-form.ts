import type { BenchProgress } from "../../../shared/bench";

/**
 * The Bench tab's settings as typed (batch sizes "1, 8, 32", threads "1, 2" or "auto") read into a
 * bench request, with a message for what cannot be read; and a bench's progress events as one
 * fraction for the progress bar. Pure, so that it is unit-tested in Node.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Positive integers separated by commas or spaces, deduplicated, in the order typed. */
function positiveInts(text: string, what: string, max: number): Parsed<number[]> {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const values: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1) return { ok: false, error: `${what}: “${p}” is not a whole number ≥ 1` };
    if (Number(p) > max) return { ok: false, error: `${what}: ${p} is more than ${max}` };
    if (!values.includes(Number(p))) values.push(Number(p));
  }
  return { ok: true, value: values };
}

/** Batch sizes; empty means the model's own `inputs` (null in the request). */
export function parseBatches(text: string): Parsed<number[] | null> {
  const parsed = positiveInts(text, "batch sizes", 65_536);
  if (!parsed.ok) return parsed;
  if (parsed.value.length > 12) return { ok: false, error: "batch sizes: at most 12" };
  return { ok: true, value: parsed.value.length ? parsed.value : null };
}

/** onnxruntime intra-op thread counts, or "auto" (every count up to the cores, the fastest picked). */
export function parseThreads(text: string): Parsed<number[] | "auto"> {
  if (text.trim().toLowerCase() === "auto") return { ok: true, value: "auto" };
  const parsed = positiveInts(text, "threads", 256);
  if (!parsed.ok) return parsed;
  if (!parsed.value.length) return { ok: false, error: "threads: give one or more counts, or auto" };
  if (parsed.value.length > 8) return { ok: false, error: "threads: at most 8 counts" };
  return { ok: true, value: parsed.value };
}

/**
 * How far a bench is, 0..1: batch sizes done, plus where the current one is (set-up and warm-up
 * first, measuring against its time budget, then profiles). Phases without a case count (compile,
 * peak) are at 0; "done" is 1.
 */
export function progressFraction(p: BenchProgress | null): number {
  if (!p) return 0;
  if (p.phase === "done") return 1;
  if (p.cases <= 0 || p.caseIndex <= 0) return 0;
  const budget = p.budgetMs > 0 ? Math.min(1, p.elapsedMs / p.budgetMs) : 0;
  const within: Record<BenchProgress["phase"], number> = {
    compile: 0,
    peak: 0,
    setup: 0.02,
    "warm-up": 0.02 + 0.08 * budget,
    calibrate: 0.1,
    measure: 0.1 + 0.78 * budget,
    profile: 0.92,
    done: 1,
  };
  return Math.min(1, (p.caseIndex - 1 + within[p.phase]) / p.cases);
}

/** The progress line's words: "batch 2 of 3 · measure · 0.8 of 2.0 s · 41 rounds". */
export function progressText(p: BenchProgress | null, batches: readonly (number | null)[] | null): string {
  if (!p) return "starting";
  const parts: string[] = [];
  if (p.cases > 0 && p.caseIndex > 0) {
    const batch = batches?.[p.caseIndex - 1];
    parts.push(`${batch !== undefined && batch !== null ? `batch ${batch}` : "case"} (${p.caseIndex} of ${p.cases})`);
  }
  parts.push(p.phase);
  if ((p.phase === "measure" || p.phase === "warm-up") && p.budgetMs > 0) parts.push(`${(p.elapsedMs / 1000).toFixed(1)} of ${(p.budgetMs / 1000).toFixed(1)} s`);
  if (p.rounds > 0) parts.push(`${p.rounds} round${p.rounds === 1 ? "" : "s"}`);
  if (p.detail && p.phase !== "measure") parts.push(p.detail);
  return parts.join(" · ");
}
