/**
 * From measured samples to a case's figures: each variant's statistics and FLOP rate, the ratios
 * worth a confidence interval, the thread counts `--threads auto` picked, and the RSS memory view.
 * Pure functions of what was measured: nothing here runs the model.
 */
import type { BackendInfo } from "../../shared/backends";
import type { BenchCase, BenchRatio, BenchVariant, FlopCount, Missing, PeakResult } from "../../shared/bench";
import { type BlockStart, RSS_SOURCE, type RssSample, peakBytes, thin, variantMemory } from "../measure/memory";
import { peakFor } from "./peak";
import { isNoisy, medianRatioOverBaseline, summarize } from "../measure/stats";
import type { Measurement } from "../measure/timer";
import { type Prepared, missing } from "./variant";

/** At most this many per-call samples per variant go into the result (the statistics use all). */
const MAX_SAMPLES_KEPT = 5000;
const TIMELINE_POINTS = 400;

/**
 * Each prepared variant's statistics; a variant stopped before its first block is listed in
 * `missingModes` instead, and a noisy one gets a warning.
 */
export function variantFigures(
  prepared: readonly Prepared[],
  measured: Measurement | null,
  o: { flops: FlopCount | Missing; backend: BackendInfo; peak: PeakResult | Missing; missingModes: BenchCase["missing"]; warnings: string[] },
): BenchVariant[] {
  const variants: BenchVariant[] = [];
  prepared.forEach((p, i) => {
    const samples = measured?.samples[i] ?? [];
    if (!samples.length) {
      o.missingModes.push({ mode: p.name, reason: "stopped before any block was timed" });
      return;
    }
    const ms = summarize(samples);
    const gflops: number | Missing = "missing" in o.flops ? o.flops : o.flops.total / (ms.median * 1e6);
    const peak = o.backend.name === "wasm" || p.mode === "graph:ort" || p.mode === "ort-bare" ? peakFor(o.peak, p) : missing(`no peak for the ${o.backend.name} backend (the peak is measured on wasm)`);
    variants.push({
      name: p.name,
      mode: p.mode,
      threads: p.threads,
      threadsNote: p.threadsNote,
      ...(p.note ? { note: p.note } : {}),
      callsPerBlock: measured?.callsPerBlock[i] ?? 1,
      ms,
      samples: samples.slice(0, MAX_SAMPLES_KEPT),
      noisy: isNoisy(ms),
      gflops,
      pctOfPeak: typeof gflops !== "number" ? gflops : typeof peak !== "number" ? peak : (100 * gflops) / peak,
    });
    if (isNoisy(ms)) o.warnings.push(`${p.name}: noisy, IQR/median ${(ms.iqrOverMedian * 100).toFixed(0)}%: the machine is busy or the model's time varies`);
  });
  return variants;
}

/**
 * The ratios worth a CI: every variant against the first (eager when measured), graph:ort against
 * ort-bare at the same threads (Tandem's own overhead), graph:ort against graph:tfjs, and each
 * thread count against one thread within a mode.
 */
export function ratioPairs<T extends { name: string; mode: string; threads: number }>(variants: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  const seen = new Set<string>();
  const add = (a: T | undefined, b: T | undefined) => {
    if (!a || !b || a === b || seen.has(`${a.name}|${b.name}`)) return;
    seen.add(`${a.name}|${b.name}`);
    pairs.push([a, b]);
  };
  const base = variants[0];
  for (const v of variants.slice(1)) add(v, base);
  const tfjs = variants.find((v) => v.mode === "graph:tfjs");
  for (const v of variants.filter((x) => x.mode === "graph:ort")) {
    add(v, variants.find((x) => x.mode === "ort-bare" && x.threads === v.threads));
    add(v, tfjs);
  }
  for (const v of variants) if (v.threads > 1) add(v, variants.find((x) => x.mode === v.mode && x.threads === 1));
  return pairs;
}

export function ratios(variants: readonly BenchVariant[]): BenchRatio[] {
  return ratioPairs(variants).map(([a, b]) => {
    const r = medianRatioOverBaseline(a.samples, b.samples, { paired: true }); // time(a) / time(b)
    return { a: a.name, b: b.name, ratio: r.ratio, ci: r.ci, resamples: r.resamples, minRatio: a.ms.min / b.ms.min } satisfies BenchRatio;
  });
}

/** With --threads auto: the fastest thread count of each mode, and what was tried. */
export function pickedThreads(variants: readonly BenchVariant[]): BenchCase["picked"] {
  const picked: BenchCase["picked"] = [];
  for (const mode of new Set(variants.map((v) => v.mode))) {
    const same = variants.filter((v) => v.mode === mode);
    const best = same.reduce((a, b) => (b.ms.median < a.ms.median ? b : a));
    const tried = same.map((v) => `${v.threads}: ${v.ms.median.toFixed(3)} ms`).join(", ");
    picked.push({ mode, threads: best.threads, note: same.length > 1 ? `fastest median of ${tried}` : best.threadsNote });
  }
  return picked;
}

/** The case's RSS figures: its peak, a thinned timeline tagged by variant, and each variant's share. */
export function caseMemory(rss: readonly RssSample[], blocks: readonly BlockStart[], prepared: readonly Prepared[], intervalMs: number, library: BenchCase["memory"]["library"]): BenchCase["memory"] {
  const peakAll = peakBytes(rss);
  return {
    source: RSS_SOURCE,
    intervalMs,
    samples: rss.length,
    peakBytes: peakAll ?? missing("no RSS samples were taken"),
    timeline: thin(rss, TIMELINE_POINTS).map((s) => ({ tMs: s.tMs, bytes: s.bytes, variant: s.tag >= 0 ? (prepared[blocks[s.tag]?.variant ?? -1]?.name ?? null) : null })),
    variants: prepared.map((p, i) => {
      const m = variantMemory(rss, blocks, i);
      const none = missing(`no RSS sample landed in its blocks (sampler interval ${intervalMs} ms)`);
      return { name: p.name, samples: m.count, peakBytes: m.peak ?? none, peakRiseBytes: m.rise ?? none, setupBytes: p.setupBytes };
    }),
    library,
  };
}
