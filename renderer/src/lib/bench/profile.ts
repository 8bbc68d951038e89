import type { BenchCase, OpRow } from "../../../../shared/bench";
import type { Row } from "../data-export";
import type { ChartOption } from "../echarts";
import { type BenchPalette, fmtMs, variantColor } from "./common";

/** Per-op profile bars; rows in onnxruntime's op types carry the model's op they stand for. */

/** A profile row's key as the model names it: the engine maps other libraries' op types (Conv: conv2d). */
export function canonicalOp(row: OpRow): string {
  return row.op ?? row.key;
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
    for (const r of by === "op" ? p.byOp : p.byModule) {
      const key = by === "op" ? canonicalOp(r) : r.key;
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
