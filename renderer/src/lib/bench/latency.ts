import type { BenchResult, BenchVariant } from "../../../../shared/bench";
import { boxStats, jitter } from "../compare";
import type { Row } from "../data-export";
import type { ChartOption } from "../echarts";
import { alpha, batchText, type BenchPalette, fmtMs, measuredCases, variantColor, variantLabel, variantNames } from "./common";

/** Latency charts: every sample per variant and batch size, and the median against batch size. */


export interface SampleRow extends Row {
  batch: number | null;
  variant: string;
  mode: string;
  threads: number;
  /** 1-based, in round order. */
  sample: number;
  ms: number;
}

/** Every per-call sample the engine kept, one row each: the points of the distribution chart. */
export function sampleRows(result: BenchResult): SampleRow[] {
  return result.cases.flatMap((c) => c.variants.flatMap((v) => v.samples.map((ms, i) => ({ batch: c.batch, variant: v.name, mode: v.mode, threads: v.threads, sample: i + 1, ms }))));
}

interface Slot {
  caseIndex: number;
  batch: number | null;
  variant: BenchVariant;
}

/** One box per variant per batch size, batch sizes side by side in the order measured. */
function slots(result: BenchResult): Slot[] {
  return result.cases.flatMap((c, caseIndex) => c.variants.map((variant) => ({ caseIndex, batch: c.batch, variant })));
}

/** Evenly thinned to at most `max` values (the order kept). */
function thin<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  const step = values.length / max;
  return Array.from({ length: max }, (_, i) => values[Math.floor(i * step)] as T);
}

/**
 * Latency per variant, grouped by batch size: a box (quartiles, Tukey whiskers, median) with the
 * per-call samples over it as jittered dots; the batch size under each group, a dashed line
 * between groups. `log` draws milliseconds on a log axis (eager and onnxruntime can be 10× apart).
 */
export function distributionOption(result: BenchResult, palette: BenchPalette, options: { log: boolean; maxPoints?: number }): ChartOption {
  const all = slots(result);
  const names = variantNames(result);
  const n = all.length;
  const boxes = all.map((s) => boxStats(s.variant.samples));
  const groups = result.cases
    .map((c, i) => {
      const first = all.findIndex((s) => s.caseIndex === i);
      return { batch: c.batch, from: first, to: first + c.variants.length - 1 };
    })
    .filter((g) => g.from >= 0);
  const rotate = n > 10 ? 30 : 0;
  return {
    tooltip: { trigger: "item", confine: true },
    legend: { top: 0, right: 0, itemWidth: 10, itemHeight: 10, icon: "circle", textStyle: { fontSize: 11, color: palette.text }, itemStyle: { opacity: 1 }, data: names },
    grid: { left: 8, right: 16, top: 30, bottom: 26, containLabel: true },
    xAxis: [
      { type: "category", data: all.map((s) => variantLabel(s.variant.name)), axisTick: { show: false }, axisLabel: { interval: 0, fontSize: 11, rotate } },
      // Where the dots and the group labels go: a value axis over the same slots, so a dot can sit
      // between two of them and a batch size can be centred under its group.
      {
        type: "value",
        min: -0.5,
        max: n - 0.5,
        position: "bottom",
        offset: rotate ? 34 : 20,
        axisLine: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { fontSize: 11, fontWeight: 600, customValues: groups.map((g) => (g.from + g.to) / 2), formatter: (v: number) => batchText(groups.find((g) => (g.from + g.to) / 2 === v)?.batch ?? null) },
      },
    ],
    yAxis: {
      type: options.log ? "log" : "value",
      scale: !options.log,
      name: "ms per forward",
      nameTextStyle: { fontSize: 10, align: "left" },
      axisLabel: { fontSize: 10, formatter: (v: number) => fmtMs(v) },
    },
    series: [
      {
        name: "distribution",
        type: "boxplot",
        xAxisIndex: 0,
        boxWidth: [8, 36],
        // Over the dots, so that the quartiles and the median stay visible in a dense cloud.
        z: 4,
        data: boxes.map((b, i) => {
          const color = variantColor(all[i]?.variant.name ?? "", palette, names);
          return { value: b ? [b.low, b.q1, b.median, b.q3, b.high] : ["-", "-", "-", "-", "-"], itemStyle: { color: alpha(color, 0.14), borderColor: color, borderWidth: 1.5 } };
        }),
        tooltip: {
          formatter: (p: { dataIndex: number }) => {
            const s = all[p.dataIndex];
            const b = boxes[p.dataIndex];
            if (!s || !b) return "";
            const v = s.variant;
            return [
              `<b>${v.name}</b> · ${batchText(s.batch)}`,
              `n = ${v.ms.n} calls · median ${fmtMs(v.ms.median)} [${fmtMs(v.ms.medianCi[0])} – ${fmtMs(v.ms.medianCi[1])}]`,
              `IQR ${fmtMs(b.q1)} – ${fmtMs(b.q3)} · p90 ${fmtMs(v.ms.p90)}`,
              `min ${fmtMs(v.ms.min)} · max ${fmtMs(v.ms.max)}${v.noisy ? " · <b>noisy</b>" : ""}`,
            ].join("<br/>");
          },
        },
      },
      ...names.map((name, k) => {
        const color = variantColor(name, palette, names);
        const points: [number, number][] = [];
        all.forEach((s, i) => {
          if (s.variant.name !== name) return;
          const kept = thin(s.variant.samples, options.maxPoints ?? 400);
          kept.forEach((ms, j) => points.push([i + jitter(j, kept.length, 0.2), ms]));
        });
        return {
          name,
          type: "scatter",
          xAxisIndex: 1,
          symbolSize: 4,
          itemStyle: { color, opacity: 0.55 },
          emphasis: { scale: 1.6 },
          data: points,
          tooltip: { formatter: (p: { value: [number, number] }) => `${name}<br/>${fmtMs(p.value[1])}` },
          z: 3,
          // Dashed lines between the batch-size groups (drawn once, by the first dot series).
          ...(k === 0 && groups.length > 1
            ? { markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: palette.faint, type: "dashed", width: 1 }, data: groups.slice(1).map((g) => ({ xAxis: g.from - 0.5 })) } }
            : {}),
        };
      }),
    ],
  };
}


export interface ScalingRow extends Row {
  variant: string;
  batch: number;
  medianMs: number;
  ciLowMs: number;
  ciHighMs: number;
  /** The median over the batch: time per item. */
  perItemMs: number;
}

/** Each variant's median (with its 95% CI) at each batch size; cases without a batch size are left out. */
export function scalingRows(result: BenchResult): ScalingRow[] {
  return result.cases.flatMap((c) =>
    c.batch === null
      ? []
      : c.variants.map((v) => ({ variant: v.name, batch: c.batch as number, medianMs: v.ms.median, ciLowMs: v.ms.medianCi[0], ciHighMs: v.ms.medianCi[1], perItemMs: v.ms.median / (c.batch as number) })),
  );
}

/** Whether a scaling chart says anything: at least two batch sizes. */
export const canScale = (result: BenchResult): boolean => new Set(measuredCases(result).map((c) => c.batch).filter((b) => b !== null)).size >= 2;

interface ErrorBarApi {
  value(dim: number): number;
  coord(point: [number, number]): [number, number];
  style?(extra?: object): object;
}

/** A custom series' renderItem: a vertical bar from the CI's low to its high with short caps. */
export function errorBar(color: string) {
  return (_params: unknown, api: ErrorBarApi) => {
    const x = api.value(0);
    const [cx, lo] = api.coord([x, api.value(1)]);
    const [, hi] = api.coord([x, api.value(2)]);
    const style = { stroke: color, lineWidth: 1.5 };
    const line = (x1: number, y1: number, x2: number, y2: number) => ({ type: "line", shape: { x1, y1, x2, y2 }, style });
    return { type: "group", children: [line(cx, lo, cx, hi), line(cx - 4, lo, cx + 4, lo), line(cx - 4, hi, cx + 4, hi)] };
  };
}

/**
 * Median latency against batch size, log–log, one line per variant, its 95% CI as error bars.
 * `perItem` divides by the batch size: where a mode's overhead is amortised, the line falls.
 */
export function scalingOption(rows: readonly ScalingRow[], palette: BenchPalette, options: { perItem: boolean }): ChartOption {
  const names = [...new Set(rows.map((r) => r.variant))];
  const batches = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  const y = (r: ScalingRow, v: number) => (options.perItem ? v / r.batch : v);
  return {
    tooltip: { trigger: "axis", confine: true, valueFormatter: (v: unknown) => (typeof v === "number" ? fmtMs(v) : "–") },
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11, color: palette.text }, itemStyle: { opacity: 1 }, data: names },
    grid: { left: 8, right: 24, top: 30, bottom: 20, containLabel: true },
    xAxis: {
      type: "log",
      logBase: 2,
      min: batches[0],
      max: batches[batches.length - 1],
      name: "batch",
      nameLocation: "middle",
      nameGap: 22,
      nameTextStyle: { fontSize: 10 },
      axisLabel: { fontSize: 10 },
    },
    yAxis: { type: "log", name: options.perItem ? "ms per item" : "ms per forward", nameTextStyle: { fontSize: 10, align: "left" }, axisLabel: { fontSize: 10, formatter: (v: number) => fmtMs(v) } },
    series: names.flatMap((name) => {
      const color = variantColor(name, palette, names);
      const mine = rows.filter((r) => r.variant === name).sort((a, b) => a.batch - b.batch);
      return [
        { name, type: "line", symbol: "circle", symbolSize: 6, lineStyle: { color, width: 2 }, itemStyle: { color }, data: mine.map((r) => [r.batch, y(r, r.medianMs)]) },
        {
          name,
          type: "custom",
          renderItem: errorBar(color),
          encode: { x: 0, y: [1, 2] },
          tooltip: { show: false },
          data: mine.map((r) => [r.batch, y(r, r.ciLowMs), y(r, r.ciHighMs)]),
          z: 1,
        },
      ];
    }),
  };
}
