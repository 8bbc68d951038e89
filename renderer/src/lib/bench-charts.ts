import type { BenchCase, BenchResult, BenchVariant, Missing, OpProfile } from "../../../shared/bench";
import { boxStats, jitter } from "./compare";
import type { Row } from "./data-export";
import type { ChartOption } from "./echarts";

/**
 * The Bench tab's charts and tables, from a BenchResult (shared/bench.ts): latency distributions
 * per variant and batch size, median against batch size, the RSS timeline of a case, per-op
 * profile bars, the statistics table. Each chart comes as rows (what CSV/JSON save, exactly what is
 * drawn) and an ECharts option. Pure, so that it is unit-tested in Node; colours come in a palette
 * read from the CSS variables by the caller.
 */

export interface BenchPalette {
  eager: string;
  graph: string;
  /** Body text (axis labels) and faint text (the RSS line, idle points). */
  text: string;
  faint: string;
}

const isMissing = (v: number | Missing): v is Missing => typeof v === "object";
const num = (v: number | Missing): number | null => (isMissing(v) ? null : v);
export const mb = (bytes: number): number => bytes / (1024 * 1024);

export const fmtMs = (v: number): string => {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  if (v < 0.01) return `${(v * 1000).toFixed(1)} µs`;
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 100) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(0)} ms`;
};

// ---- variants: names, labels, colours -------------------------------------------------------------

/** "eager", "graph:tfjs", "graph:ort@2t", "ort-bare@1t" as a short axis label: "eager", "tfjs", "ort 2t", "bare 1t". */
export function variantLabel(name: string): string {
  const [mode = name, threads] = name.split("@");
  const short = mode === "graph:tfjs" ? "tfjs" : mode === "graph:ort" ? "ort" : mode === "ort-bare" ? "bare" : mode;
  return threads ? `${short} ${threads}` : short;
}

const modeOf = (name: string): string => name.split("@")[0] ?? name;

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

// ---- latency distribution ---------------------------------------------------------------------------

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

// ---- median against batch size --------------------------------------------------------------------------

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

// ---- memory ------------------------------------------------------------------------------------------

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

// ---- per-op profiles ------------------------------------------------------------------------------------

/**
 * onnxruntime's op types under the model's own op names, so that a row compares like with like
 * (Conv beside conv2d). Ops onnxruntime adds (ReorderOutput, ...) keep their names.
 */
const ONNX_OPS: Record<string, string> = {
  Conv: "conv2d",
  FusedConv: "conv2d",
  ConvTranspose: "conv_transpose2d",
  Relu: "relu",
  Sigmoid: "sigmoid",
  Tanh: "tanh",
  Gelu: "gelu",
  FastGelu: "gelu",
  Softmax: "softmax",
  MaxPool: "max_pool2d",
  AveragePool: "avg_pool2d",
  GlobalAveragePool: "adaptive_avg_pool2d",
  Gemm: "linear",
  FusedGemm: "linear",
  MatMul: "matmul",
  FusedMatMul: "matmul",
  Add: "add",
  Sub: "sub",
  Mul: "mul",
  Div: "div",
  BatchNormalization: "batch_norm",
  LayerNormalization: "layer_norm",
  Flatten: "flatten",
  Reshape: "reshape",
  Transpose: "permute",
  Concat: "cat",
};

/** A profile row's key as the model names it: onnxruntime op types mapped (see ONNX_OPS), others as they are. */
export function canonicalOp(key: string, mode: string): string {
  return mode === "graph:ort" || mode === "ort-bare" ? (ONNX_OPS[key] ?? key) : key;
}

export type ProfileGrouping = "op" | "module";
export type ProfileMeasure = "ms" | "pct";

export interface ProfileRow extends Row {
  key: string;
  variant: string;
  /** ms per forward, calls per forward, % of the profiled forward. */
  ms: number;
  calls: number;
  pct: number;
  /** The names the variant's own profile used for this row ("Conv, FusedConv"). */
  source: string;
}

export interface ProfileTable {
  keys: string[];
  variants: string[];
  rows: ProfileRow[];
}

/**
 * The top `top` ops (or modules) of a case over all its profiled variants, ranked by the largest
 * share any variant spends in it; one row per key and variant that has it.
 */
export function profileTable(c: BenchCase, by: ProfileGrouping, top: number): ProfileTable {
  const merged = new Map<string, Map<string, ProfileRow>>();
  for (const p of c.profiles) {
    const mode = c.variants.find((v) => v.name === p.variant)?.mode ?? modeOf(p.variant);
    for (const r of by === "op" ? p.byOp : p.byModule) {
      const key = by === "op" ? canonicalOp(r.key, mode) : r.key;
      const forKey = merged.get(key) ?? new Map<string, ProfileRow>();
      merged.set(key, forKey);
      const row = forKey.get(p.variant);
      if (row) {
        row.ms += r.ms;
        row.calls += r.calls;
        row.pct += r.pct;
        row.source = `${row.source}, ${r.key}`;
      } else forKey.set(p.variant, { key, variant: p.variant, ms: r.ms, calls: r.calls, pct: r.pct, source: r.key });
    }
  }
  const score = (key: string) => Math.max(...[...(merged.get(key)?.values() ?? [])].map((r) => r.pct));
  const keys = [...merged.keys()].sort((a, b) => score(b) - score(a)).slice(0, top);
  const variants = c.profiles.map((p) => p.variant);
  const rows = keys.flatMap((k) => variants.map((v) => merged.get(k)?.get(v)).filter((r): r is ProfileRow => r !== undefined));
  return { keys, variants, rows };
}

/** Grouped horizontal bars: one group per op or module (largest on top), one bar per variant. */
export function profileOption(table: ProfileTable, palette: BenchPalette, measure: ProfileMeasure): ChartOption {
  const value = (r: ProfileRow | undefined) => (r === undefined ? null : measure === "ms" ? r.ms : r.pct);
  const fmt = (v: number) => (measure === "ms" ? fmtMs(v) : `${v.toFixed(1)} %`);
  return {
    tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => (typeof v === "number" ? fmt(v) : "not in this profile") },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: palette.text }, itemStyle: { opacity: 1 }, data: table.variants },
    grid: { left: 8, right: 24, top: 30, bottom: 20, containLabel: true },
    xAxis: { type: "value", name: measure === "ms" ? "ms per forward" : "% of the profiled forward", nameLocation: "middle", nameGap: 22, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10, formatter: (v: number) => fmt(v) } },
    yAxis: { type: "category", inverse: true, data: table.keys, axisTick: { show: false }, axisLabel: { fontSize: 11, fontFamily: "monospace", width: 170, overflow: "truncate" } },
    series: table.variants.map((name) => {
      const color = variantColor(name, palette, table.variants);
      return {
        name,
        type: "bar",
        barMaxWidth: 10,
        barGap: "15%",
        barCategoryGap: "28%",
        itemStyle: { color, borderRadius: [0, 2, 2, 0] },
        data: table.keys.map((k) => value(table.rows.find((r) => r.key === k && r.variant === name))),
      };
    }),
  };
}

/** Height that gives each op group room for its bars. */
export const profileHeight = (table: ProfileTable): number => Math.max(160, 60 + table.keys.length * Math.max(18, table.variants.length * 9 + 8));

// ---- statistics ------------------------------------------------------------------------------------------

export interface StatsRow extends Row {
  batch: number | null;
  variant: string;
  mode: string;
  threads: number;
  n: number;
  medianMs: number;
  ciLowMs: number;
  ciHighMs: number;
  p90Ms: number;
  p99Ms: number;
  minMs: number;
  iqrMs: number;
  iqrOverMedian: number;
  noisy: boolean;
  gflops: number | null;
  pctOfPeak: number | null;
  callsPerBlock: number;
  threadsNote: string;
}

export function statsRows(result: BenchResult): StatsRow[] {
  return result.cases.flatMap((c) =>
    c.variants.map((v) => ({
      batch: c.batch,
      variant: v.name,
      mode: v.mode,
      threads: v.threads,
      n: v.ms.n,
      medianMs: v.ms.median,
      ciLowMs: v.ms.medianCi[0],
      ciHighMs: v.ms.medianCi[1],
      p90Ms: v.ms.p90,
      p99Ms: v.ms.p99,
      minMs: v.ms.min,
      iqrMs: v.ms.iqr,
      iqrOverMedian: v.ms.iqrOverMedian,
      noisy: v.noisy,
      gflops: num(v.gflops),
      pctOfPeak: num(v.pctOfPeak),
      callsPerBlock: v.callsPerBlock,
      threadsNote: v.threadsNote,
    })),
  );
}

export interface RatioRow extends Row {
  batch: number | null;
  a: string;
  b: string;
  /** time(a) / time(b) of the medians, its bootstrap 95% CI, and the ratio of the minimums. */
  ratio: number;
  ciLow: number;
  ciHigh: number;
  minRatio: number;
}

export function ratioRows(result: BenchResult): RatioRow[] {
  return result.cases.flatMap((c) => c.ratios.map((r) => ({ batch: c.batch, a: r.a, b: r.b, ratio: r.ratio, ciLow: r.ci[0], ciHigh: r.ci[1], minRatio: r.minRatio })));
}

/**
 * A time ratio a/b in words, with its CI the same way round: "2.13× faster [1.65–2.60]" for 0.47.
 * `clear` is whether the CI leaves out 1 (the difference is more than noise).
 */
export function ratioWords(row: Pick<RatioRow, "ratio" | "ciLow" | "ciHigh">): { text: string; ci: string; faster: boolean; clear: boolean } {
  const faster = row.ratio < 1;
  const f = (v: number) => v.toFixed(2);
  const [lo, hi] = faster ? [1 / row.ciHigh, 1 / row.ciLow] : [row.ciLow, row.ciHigh];
  const clear = row.ciHigh < 1 || row.ciLow > 1;
  return { text: `${f(faster ? 1 / row.ratio : row.ratio)}× ${faster ? "faster" : "slower"}`, ci: `${f(lo)}–${f(hi)}`, faster, clear };
}

export interface ColdRow extends Row {
  batch: number | null;
  phase: string;
  ms: number | null;
  /** Why it was not measured. */
  note: string | null;
}

const COLD_PHASES: [keyof BenchCase["cold"], string][] = [
  ["compileMs", "compile"],
  ["constructMs", "construct"],
  ["eagerFirstRunMs", "eager first run"],
  ["traceMs", "trace"],
  ["passesMs", "passes"],
  ["planCompileMs", "plan compile"],
  ["planFirstRunMs", "plan first run"],
  ["exportMs", "ONNX export"],
];

/** One-off costs per batch size: compile to export, then each onnxruntime session's creation and first run. */
export function coldRows(result: BenchResult): ColdRow[] {
  return result.cases.flatMap((c) => [
    ...COLD_PHASES.map(([key, phase]) => {
      const v = c.cold[key] as number | Missing;
      return { batch: c.batch, phase, ms: num(v), note: isMissing(v) ? v.missing : null };
    }),
    ...c.cold.ortSessions.flatMap((s) => {
      const who = `${s.bare ? "bare onnxruntime" : "onnxruntime"} ${s.threads}t`;
      return [
        { batch: c.batch, phase: `${who} session`, ms: s.sessionMs, note: null },
        { batch: c.batch, phase: `${who} first run`, ms: s.firstRunMs, note: null },
      ];
    }),
  ]);
}

/** What one profile covers against the timed median: "profile sums to 1.62 ms of a 1.50 ms median". */
export function coverage(p: OpProfile, c: BenchCase): { profiledMs: number; medianMs: number | null } {
  return { profiledMs: p.profiledMsPerForward, medianMs: c.variants.find((v) => v.name === p.variant)?.ms.median ?? null };
}
