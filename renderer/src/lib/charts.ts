import type { RunResult } from "../../../shared/run";
import type { Row } from "./data-export";
import type { ChartOption } from "./echarts";

/**
 * What the charts plot, as rows (also what CSV/JSON export saves), and the ECharts options that
 * draw them. Only figures the engine measured: a phase it did not report is left out, not zero.
 */

export interface TimingRow extends Row {
  phase: string;
  ms: number;
  kind: "cold" | "forward";
}

/** One run's costs: the one-off (cold) phases, then the first forward and the warm median. */
export function timingRows(result: RunResult): TimingRow[] {
  const t = result.timings;
  const rows: TimingRow[] = [
    { phase: "compile", ms: t.compileMs, kind: "cold" },
    { phase: "construct", ms: t.constructMs, kind: "cold" },
  ];
  const g = result.graph;
  if (g) {
    rows.push({ phase: "trace", ms: g.timings.traceMs, kind: "cold" }, { phase: "passes", ms: g.timings.passesMs, kind: "cold" });
    if (g.runner === "tfjs") rows.push({ phase: "plan compile", ms: g.timings.compileMs, kind: "cold" });
    if (g.ort) rows.push({ phase: "ORT session", ms: g.ort.sessionMs, kind: "cold" });
  }
  rows.push({ phase: "first forward", ms: t.firstForwardMs, kind: "forward" });
  if (t.warmForwardMs !== null) rows.push({ phase: `warm median (n=${t.warmRuns})`, ms: t.warmForwardMs, kind: "forward" });
  return rows;
}

export function timingOption(rows: TimingRow[], colors: { cold: string; forward: string; text: string }): ChartOption {
  // A log axis cannot show zero: a phase that took no measurable time is drawn at 1 µs.
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => `${Number(v).toFixed(3)} ms` },
    grid: { left: 8, right: 64, top: 8, bottom: 4 },
    xAxis: { type: "log", logBase: 10, axisLabel: { fontSize: 10, formatter: (v: number) => `${v} ms` } },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.phase), axisTick: { show: false }, axisLabel: { fontSize: 11 } },
    series: [
      {
        type: "bar",
        barMaxWidth: 14,
        data: rows.map((r) => ({ value: Math.max(r.ms, 1e-3), itemStyle: { color: r.kind === "cold" ? colors.cold : colors.forward, borderRadius: 2 } })),
        label: { show: true, position: "right", fontSize: 10, color: colors.text, textBorderWidth: 0, formatter: (p: { dataIndex: number }) => fmt(rows[p.dataIndex]?.ms ?? 0) },
      },
    ],
  };
}

const fmt = (v: number) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : v < 100 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);

export interface LatencyRow extends Row {
  mode: string;
  backend: string;
  firstForwardMs: number;
  warmMedianMs: number | null;
  warmRuns: number;
}

export function latencyRows(results: RunResult[]): LatencyRow[] {
  return results.map((r) => ({
    mode: r.mode,
    backend: r.backend.name,
    firstForwardMs: r.timings.firstForwardMs,
    warmMedianMs: r.timings.warmForwardMs,
    warmRuns: r.timings.warmRuns,
  }));
}

/** Eager and graph side by side: the warm median and the first (cold) forward, per mode. */
export function latencyOption(rows: LatencyRow[], colors: string[], text: string): ChartOption {
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => (v === null || v === undefined ? "–" : `${Number(v).toFixed(3)} ms`) },
    grid: { top: 16, left: 8, right: 16, bottom: 4 },
    xAxis: { type: "category", data: rows.map((r) => r.mode), axisTick: { show: false } },
    yAxis: { type: "value", axisLabel: { fontSize: 10, formatter: (v: number) => `${v} ms` } },
    series: [
      {
        name: "warm median",
        type: "bar",
        barMaxWidth: 28,
        data: rows.map((r, i) => ({ value: r.warmMedianMs, itemStyle: { color: colors[i % colors.length], borderRadius: [3, 3, 0, 0] } })),
        label: { show: true, position: "top", fontSize: 10, color: text, textBorderWidth: 0, formatter: (p: { value: unknown }) => (typeof p.value === "number" ? fmt(p.value) : "") },
      },
      {
        name: "first forward",
        type: "bar",
        barMaxWidth: 28,
        data: rows.map((r, i) => ({ value: r.firstForwardMs, itemStyle: { color: colors[i % colors.length], opacity: 0.35, borderRadius: [3, 3, 0, 0] } })),
        label: { show: true, position: "top", fontSize: 10, color: text, textBorderWidth: 0, opacity: 0.7, formatter: () => "first" },
      },
    ],
  };
}
