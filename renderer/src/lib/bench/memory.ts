import type { BenchCase } from "../../../../shared/bench";
import type { Row } from "../data-export";
import type { ChartOption } from "../echarts";
import { type BenchPalette, isMissing, mb, num, variantColor } from "./common";

/** Memory charts: a case's RSS timeline and the per-variant and per-library figures. */


export interface RssRow extends Row {
  /** Seconds since the case's first sample. */
  t: number;
  bytes: number;
  /** The variant whose block was running; null between blocks (set-up, warm-up, profiles). */
  variant: string | null;
}

export function rssRows(c: BenchCase): RssRow[] {
  const t0 = c.memory.timeline[0]?.tMs ?? 0;
  return c.memory.timeline.map((p) => ({ t: (p.tMs - t0) / 1000, bytes: p.bytes, variant: p.variant }));
}

/**
 * The worker's RSS through one batch size's measurement: a faint line over time, a dot of the
 * variant's colour where one of its blocks ran, the peak marked with a line and its value.
 */
export function memoryOption(c: BenchCase, palette: BenchPalette): ChartOption {
  const rows = rssRows(c);
  const names = [...new Set(rows.map((r) => r.variant).filter((v): v is string => v !== null))];
  const ordered = c.variants.map((v) => v.name).filter((n) => names.includes(n));
  const peak = rows.reduce<RssRow | null>((best, r) => (best === null || r.bytes > best.bytes ? r : best), null);
  return {
    tooltip: { trigger: "axis", confine: true, axisPointer: { type: "line" }, valueFormatter: (v: unknown) => (typeof v === "number" ? `${v.toFixed(1)} MB` : "–") },
    legend: { top: 0, right: 0, itemWidth: 10, itemHeight: 10, icon: "circle", textStyle: { fontSize: 11, color: palette.text }, itemStyle: { opacity: 1 }, data: ordered },
    grid: { left: 8, right: 24, top: 30, bottom: 20, containLabel: true },
    xAxis: { type: "value", name: "s", nameLocation: "end", nameGap: 6, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, min: 0 },
    yAxis: { type: "value", scale: true, name: "RSS MB", nameTextStyle: { fontSize: 10, align: "left" }, axisLabel: { fontSize: 10, formatter: (v: number) => String(Number(v.toFixed(1))) } },
    series: [
      {
        name: "RSS",
        type: "line",
        showSymbol: false,
        lineStyle: { color: palette.faint, width: 1.2 },
        itemStyle: { color: palette.faint },
        data: rows.map((r) => [r.t, mb(r.bytes)]),
        z: 1,
        ...(peak
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                lineStyle: { color: palette.text, type: "dashed", width: 1, opacity: 0.6 },
                label: { position: "insideEndTop", fontSize: 10, color: palette.text, formatter: () => `peak ${mb(peak.bytes).toFixed(1)} MB` },
                data: [{ yAxis: mb(peak.bytes) }],
              },
            }
          : {}),
      },
      ...ordered.map((name) => {
        const color = variantColor(name, palette, c.variants.map((v) => v.name));
        return { name, type: "scatter", symbolSize: 4, itemStyle: { color, opacity: 0.8 }, data: rows.filter((r) => r.variant === name).map((r) => [r.t, mb(r.bytes)]), z: 2 };
      }),
      ...(peak ? [{ name: "peak", type: "scatter", symbol: "diamond", symbolSize: 11, itemStyle: { color: palette.text }, data: [[peak.t, mb(peak.bytes)]], z: 4, tooltip: { show: false } }] : []),
    ],
  };
}

export interface VariantMemoryRow extends Row {
  variant: string;
  samples: number;
  peakBytes: number | null;
  peakRiseBytes: number | null;
  setupBytes: number | null;
  /** Why a figure is missing, when one is. */
  note: string | null;
}

export function variantMemoryRows(c: BenchCase): VariantMemoryRow[] {
  return c.memory.variants.map((v) => {
    const reasons = [v.peakBytes, v.peakRiseBytes, v.setupBytes].filter(isMissing).map((m) => m.missing);
    return { variant: v.name, samples: v.samples, peakBytes: num(v.peakBytes), peakRiseBytes: num(v.peakRiseBytes), setupBytes: num(v.setupBytes), note: reasons.length ? [...new Set(reasons)].join("; ") : null };
  });
}

export interface LibraryMemoryRow extends Row {
  mode: string;
  atRestBytes: number | null;
  peakBytes: number | null;
  activationPeakBytes: number | null;
  source: string;
  /** Why a figure is missing, when one is. */
  note: string | null;
}

export function libraryMemoryRows(c: BenchCase): LibraryMemoryRow[] {
  return c.memory.library.map((l) => {
    const reasons = [l.atRestBytes, l.peakBytes, l.activationPeakBytes].filter(isMissing).map((m) => m.missing);
    return { mode: l.mode, atRestBytes: num(l.atRestBytes), peakBytes: num(l.peakBytes), activationPeakBytes: num(l.activationPeakBytes), source: l.source, note: reasons.length ? [...new Set(reasons)].join("; ") : null };
  });
}

/** A CI as one range in one unit: "6.29–12.31 ms", "554–879 µs". */
export function fmtRange(lo: number, hi: number): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "–";
  const micro = hi < 1;
  const f = (v: number) => (micro ? (v * 1000).toFixed(0) : v < 100 ? v.toFixed(2) : v.toFixed(0));
  return `${f(lo)}–${f(hi)} ${micro ? "µs" : "ms"}`;
}
