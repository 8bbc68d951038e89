import type { Row } from "./data-export";
import type { ChartOption } from "./echarts";

/**
 * The compare view's charts: each run's warm forward samples as a box with its points over it, and
 * peak memory as bars, one row per run, the first (the baseline) on top. Rows for CSV/JSON hold
 * exactly what is drawn. Pure, so that it is unit-tested in Node.
 */

/** Series colours that read on both the light and the dark panel; the first two are eager's and graph's. */
export const SERIES_COLORS = {
  light: ["#2f6fed", "#c2410c", "#15803d", "#7c3aed", "#0e7490", "#be185d", "#a16207", "#475569"],
  dark: ["#6b9bf5", "#f08c4a", "#4ade80", "#b197fc", "#22d3ee", "#f472b6", "#facc15", "#94a3b8"],
};
export const seriesColor = (i: number, dark: boolean): string => {
  const list = dark ? SERIES_COLORS.dark : SERIES_COLORS.light;
  return list[i % list.length] as string;
};

/** Linear-interpolated quantile of sorted values (type 7, as numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (at - lo);
}

export interface BoxStats {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  /** Tukey whiskers: the furthest samples within 1.5 IQR of the box. */
  low: number;
  high: number;
}

export function boxStats(samples: readonly number[]): BoxStats | null {
  const sorted = samples.filter((s) => Number.isFinite(s)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const fence = 1.5 * (q3 - q1);
  const inside = sorted.filter((s) => s >= q1 - fence && s <= q3 + fence);
  return {
    n: sorted.length,
    min: sorted[0] as number,
    q1,
    median: quantile(sorted, 0.5),
    q3,
    max: sorted[sorted.length - 1] as number,
    low: inside[0] ?? q1,
    high: inside[inside.length - 1] ?? q3,
  };
}

/** A deterministic spread in [-width, width] for the i-th of n points, so a redraw does not move them. */
export function jitter(i: number, n: number, width = 0.22): number {
  if (n <= 1) return 0;
  // Golden-ratio sequence: even coverage without clumps, the same every time.
  const u = (i * 0.6180339887498949) % 1;
  return (u * 2 - 1) * width;
}

export interface LatencySeries {
  /** "#12 eager wasm" */
  label: string;
  /** Warm forward passes, ms, in order; empty when the run did not keep them. */
  samplesMs: readonly number[];
  /** The warm median the run reported (drawn alone when there are no samples). */
  warmMs: number | null;
  color: string;
}

export interface SampleRow extends Row {
  run: string;
  sample: number;
  ms: number;
}

/** Every sample drawn, one row each (what CSV/JSON save). A run without samples gives its median, sample 0. */
export function sampleRows(series: readonly LatencySeries[]): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const s of series) {
    if (s.samplesMs.length) s.samplesMs.forEach((ms, i) => rows.push({ run: s.label, sample: i + 1, ms }));
    else if (s.warmMs !== null) rows.push({ run: s.label, sample: 0, ms: s.warmMs });
  }
  return rows;
}

const fmtMs = (v: number) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : v < 100 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);

/**
 * Runs as rows (baseline on top), milliseconds across: a box (quartiles, Tukey whiskers, median)
 * with every sample over it as a dot, jittered within its row. A run that kept no samples shows
 * its reported median as a diamond.
 */
export function latencyBoxOption(series: readonly LatencySeries[], text: string): ChartOption {
  const n = series.length;
  const labels = series.map((s) => s.label);
  const boxes = series.map((s) => boxStats(s.samplesMs));
  return {
    tooltip: { trigger: "item", confine: true },
    legend: { show: false },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: "value", scale: true, name: "ms per forward", nameLocation: "middle", nameGap: 24, axisLabel: { fontSize: 10, formatter: (v: number) => fmtMs(v) } },
    yAxis: [
      { type: "category", data: labels, inverse: true, axisTick: { show: false }, axisLabel: { fontSize: 11 } },
      // The dots' axis: a value axis over the same rows, so that a dot can sit between them.
      { type: "value", min: -0.5, max: n - 0.5, inverse: true, show: false },
    ],
    series: [
      {
        name: "distribution",
        type: "boxplot",
        yAxisIndex: 0,
        boxWidth: ["30%", "60%"],
        data: boxes.map((b, i) => ({
          value: b ? [b.low, b.q1, b.median, b.q3, b.high] : ["-", "-", "-", "-", "-"],
          itemStyle: { color: `${series[i]?.color ?? "#888888"}22`, borderColor: series[i]?.color ?? "#888888", borderWidth: 1.5 },
        })),
        tooltip: {
          formatter: (p: { dataIndex: number }) => {
            const b = boxes[p.dataIndex];
            const s = series[p.dataIndex];
            if (!s) return "";
            if (!b) return `${s.label}<br/>no samples kept${s.warmMs !== null ? `: median ${fmtMs(s.warmMs)}` : ""}`;
            return `${s.label}<br/>n = ${b.n}<br/>median ${fmtMs(b.median)}<br/>IQR ${fmtMs(b.q1)} – ${fmtMs(b.q3)}<br/>min ${fmtMs(b.min)} · max ${fmtMs(b.max)}`;
          },
        },
      },
      ...series.map((s, i) => ({
        name: s.label,
        type: "scatter",
        yAxisIndex: 1,
        symbol: s.samplesMs.length ? "circle" : "diamond",
        symbolSize: s.samplesMs.length ? 5 : 11,
        itemStyle: { color: s.color, opacity: s.samplesMs.length ? 0.6 : 1 },
        data: s.samplesMs.length ? s.samplesMs.map((v, k) => [v, i + jitter(k, s.samplesMs.length)]) : s.warmMs !== null ? [[s.warmMs, i]] : [],
        tooltip: { formatter: (p: { value: [number, number] }) => `${s.label}<br/>${fmtMs(p.value[0])}${s.samplesMs.length ? "" : " (median; no samples kept)"}` },
        z: 3,
      })),
    ],
    textStyle: { color: text },
  };
}

export interface MemoryRow extends Row {
  run: string;
  peakBytes: number | null;
  note: string | null;
}

export const mb = (b: number) => b / (1024 * 1024);

/** Peak resident memory per run (MB); a run that did not measure it has an empty bar and its reason. */
export function memoryOption(rows: readonly MemoryRow[], colors: readonly string[], text: string): ChartOption {
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => (typeof v === "number" ? `${v.toFixed(1)} MB` : "not measured") },
    grid: { left: 8, right: 72, top: 8, bottom: 4, containLabel: true },
    xAxis: { type: "value", axisLabel: { fontSize: 10, formatter: (v: number) => `${v} MB` } },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.run), axisTick: { show: false }, axisLabel: { fontSize: 11 } },
    series: [
      {
        type: "bar",
        barMaxWidth: 16,
        data: rows.map((r, i) => ({ value: r.peakBytes === null ? null : mb(r.peakBytes), itemStyle: { color: colors[i % colors.length], borderRadius: 2 } })),
        label: {
          show: true,
          position: "right",
          fontSize: 10,
          color: text,
          textBorderWidth: 0,
          formatter: (p: { dataIndex: number }) => {
            const r = rows[p.dataIndex];
            return r?.peakBytes === null || r === undefined ? "not measured" : `${mb(r.peakBytes).toFixed(1)} MB`;
          },
        },
      },
    ],
  };
}

/** "1.23× slower", "1.25× faster" (as 1/ratio), "same" for a ratio of 1 within rounding. */
export function ratioText(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return "–";
  if (Math.abs(ratio - 1) < 0.005) return "same";
  return ratio > 1 ? `${ratio.toFixed(2)}× slower` : `${(1 / ratio).toFixed(2)}× faster`;
}
