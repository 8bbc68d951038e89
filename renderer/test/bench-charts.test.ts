import { describe, expect, it } from "vitest";
import { BenchProgress, BenchResult, OpProfile } from "../../shared/bench";
import {
  type BenchPalette,
  alpha,
  canScale,
  canonicalOp,
  coldRows,
  distributionOption,
  errorBar,
  fmtRange,
  memoryOption,
  measuredCases,
  mix,
  profileOption,
  profileTable,
  ratioRows,
  ratioWords,
  rssRows,
  sampleRows,
  scalingOption,
  scalingRows,
  statsRows,
  variantColor,
  variantLabel,
  variantMemoryRows,
  variantNames,
} from "../src/lib/bench-charts";
import { parseBatches, parseThreads, progressFraction, progressText } from "../src/lib/bench-form";
import { drawnHeat, heatColor, heatLevel, nodeHeat, textOn } from "../src/lib/heat";
import type { ViewNode } from "../src/lib/ir";
import fixture from "./fixtures/bench-cnn.json";

/** A real `tandem bench --json` of the CNN example (batch 1 and 4, threads 1 and 2), samples and timelines thinned. */
const result = BenchResult.parse(fixture);
const palette: BenchPalette = { eager: "#2f6fed", graph: "#c2410c", text: "#566173", faint: "#8a94a3" };
type Series = { type: string; name?: string; data: unknown[]; xAxisIndex?: number; markLine?: { data: unknown[] } };
const seriesOf = (option: Record<string, unknown>) => option.series as Series[];

describe("variants", () => {
  it("have short labels and the run columns' colours, onnxruntime as shades of graph", () => {
    expect(variantNames(result)).toEqual(["eager", "graph:tfjs", "graph:ort@1t", "graph:ort@2t"]);
    expect(variantNames(result).map(variantLabel)).toEqual(["eager", "tfjs", "ort 1t", "ort 2t"]);
    const names = variantNames(result);
    expect(variantColor("eager", palette, names)).toBe(palette.eager);
    expect(variantColor("graph:tfjs", palette, names)).toBe(palette.graph);
    const ort1 = variantColor("graph:ort@1t", palette, names);
    const ort2 = variantColor("graph:ort@2t", palette, names);
    expect(new Set([palette.eager, palette.graph, ort1, ort2]).size).toBe(4);
    expect(mix("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mix("#fff", "#000", 0)).toBe("#ffffff");
    expect(alpha("#2f6fed", 0.2)).toBe("rgba(47, 111, 237, 0.2)");
    expect(alpha("rgb(1,2,3)", 0.2)).toBe("rgb(1,2,3)");
  });
});

describe("latency distribution", () => {
  it("keeps every sample as a row, and draws one box per variant and batch size with its dots", () => {
    const rows = sampleRows(result);
    expect(rows.length).toBe(result.cases.reduce((n, c) => n + c.variants.reduce((m, v) => m + v.samples.length, 0), 0));
    expect(rows[0]).toMatchObject({ batch: 1, variant: "eager", sample: 1 });

    const option = distributionOption(result, palette, { log: true }) as Record<string, unknown>;
    const [box, ...dots] = seriesOf(option);
    expect(box?.type).toBe("boxplot");
    expect(box?.data).toHaveLength(8); // 4 variants × 2 batch sizes
    const first = (box?.data[0] as { value: number[] }).value;
    expect(first).toHaveLength(5);
    expect([...first].sort((a, b) => a - b)).toEqual(first); // low ≤ q1 ≤ median ≤ q3 ≤ high
    expect(dots.map((d) => d.name)).toEqual(variantNames(result));
    expect(dots.every((d) => d.type === "scatter" && d.xAxisIndex === 1)).toBe(true);
    // eager's dots sit in its two slots (0: batch 1, 4: batch 4), within their bands.
    const xs = (dots[0]?.data as [number, number][]).map(([x]) => x);
    expect(xs.every((x) => Math.abs(x) <= 0.25 || Math.abs(x - 4) <= 0.25)).toBe(true);
    expect(dots[0]?.markLine?.data).toEqual([{ xAxis: 3.5 }]); // the line between the two groups
    const axes = option.xAxis as { data?: string[]; axisLabel: { customValues?: number[]; formatter?: (v: number) => string } }[];
    expect(axes[0]?.data?.slice(0, 4)).toEqual(["eager", "tfjs", "ort 1t", "ort 2t"]);
    expect(axes[1]?.axisLabel.customValues).toEqual([1.5, 5.5]);
    expect(axes[1]?.axisLabel.formatter?.(5.5)).toBe("batch 4");
    expect((option.yAxis as { type: string }).type).toBe("log");
    // The same option twice: the jitter is deterministic, a redraw does not move the dots.
    expect(JSON.stringify(seriesOf(distributionOption(result, palette, { log: true }) as Record<string, unknown>)[1]?.data)).toBe(JSON.stringify(dots[0]?.data));
  });

  it("leaves out a batch size a stopped bench never measured", () => {
    const first = result.cases[0] as (typeof result.cases)[number];
    const stopped = { ...result, interrupted: true, cases: [first, { ...first, batch: 2, variants: [], ratios: [], profiles: [], rounds: 0 }] };
    expect(measuredCases(stopped).map((c) => c.batch)).toEqual([1]);
    expect(canScale(stopped)).toBe(false);
    const option = distributionOption(stopped, palette, { log: true }) as Record<string, unknown>;
    const axes = option.xAxis as { axisLabel: { customValues?: number[] } }[];
    expect(axes[1]?.axisLabel.customValues).toEqual([1.5]);
    expect(seriesOf(option)[1]?.markLine).toBeUndefined();
  });

  it("thins the dots of a long run to the cap it is given", () => {
    const option = distributionOption(result, palette, { log: false, maxPoints: 5 }) as Record<string, unknown>;
    expect(seriesOf(option)[1]?.data).toHaveLength(10); // eager: 5 per batch size
  });
});

describe("median by batch size", () => {
  it("has a line and CI bars per variant over the batch sizes", () => {
    expect(canScale(result)).toBe(true);
    const rows = scalingRows(result);
    expect(rows).toHaveLength(8);
    const eager4 = rows.find((r) => r.variant === "eager" && r.batch === 4);
    expect(eager4?.perItemMs).toBeCloseTo((eager4?.medianMs ?? 0) / 4, 12);
    expect(rows.every((r) => r.ciLowMs <= r.medianMs && r.medianMs <= r.ciHighMs)).toBe(true);
    const series = seriesOf(scalingOption(rows, palette, { perItem: true }) as Record<string, unknown>);
    expect(series.map((s) => s.type)).toEqual(["line", "custom", "line", "custom", "line", "custom", "line", "custom"]);
    expect((series[0]?.data[1] as number[])[1]).toBeCloseTo(eager4?.perItemMs ?? 0, 12);
    expect(canScale({ ...result, cases: result.cases.slice(0, 1) })).toBe(false);
  });

  it("draws an error bar with caps between the CI's ends", () => {
    const api = { value: (d: number) => [4, 1, 3][d] as number, coord: ([x, y]: [number, number]) => [x * 10, 100 - y * 10] as [number, number] };
    const bar = errorBar("#123456")(null, api) as { children: { shape: { x1: number; y1: number; x2: number; y2: number } }[] };
    expect(bar.children[0]?.shape).toEqual({ x1: 40, y1: 90, x2: 40, y2: 70 });
    expect(bar.children).toHaveLength(3);
  });
});

describe("memory", () => {
  const c = result.cases[0] as (typeof result.cases)[number];
  it("puts the RSS timeline in seconds from the case's start, coloured by the variant running, the peak marked", () => {
    const rows = rssRows(c);
    expect(rows[0]?.t).toBe(0);
    expect(rows.every((r, i) => i === 0 || r.t >= (rows[i - 1]?.t ?? 0))).toBe(true);
    const series = seriesOf(memoryOption(c, palette) as Record<string, unknown>);
    expect(series[0]?.type).toBe("line");
    expect(series[0]?.data).toHaveLength(rows.length);
    const peak = Math.max(...rows.map((r) => r.bytes)) / 1024 / 1024;
    expect(series[0]?.markLine?.data).toEqual([{ yAxis: peak }]);
    expect(series.at(-1)?.name).toBe("peak");
    const variantDots = series.filter((s) => s.type === "scatter" && s.name !== "peak");
    expect(variantDots.map((s) => s.name).sort()).toEqual([...new Set(rows.map((r) => r.variant).filter(Boolean))].sort());
  });

  it("lists each variant's peak, rise and setup bytes, null where not measured", () => {
    const rows = variantMemoryRows(c);
    expect(rows.map((r) => r.variant)).toEqual(["eager", "graph:tfjs", "graph:ort@1t", "graph:ort@2t"]);
    expect(rows.every((r) => typeof r.peakBytes === "number")).toBe(true);
    const missing = { ...c, memory: { ...c.memory, variants: [{ name: "eager", samples: 0, peakBytes: { missing: "no samples" }, peakRiseBytes: { missing: "no samples" }, setupBytes: 12 }] } };
    expect(variantMemoryRows(missing)[0]).toMatchObject({ peakBytes: null, setupBytes: 12, note: "no samples" });
  });
});

describe("per-op profiles", () => {
  const c = result.cases[0] as (typeof result.cases)[number];
  it("puts onnxruntime's op types under the model's op names (from the engine) so rows compare like with like", () => {
    expect(canonicalOp({ key: "Conv", calls: 1, ms: 1, pct: 1, op: "conv2d" })).toBe("conv2d");
    expect(canonicalOp({ key: "ReorderOutput", calls: 1, ms: 1, pct: 1, op: "ReorderOutput" })).toBe("ReorderOutput");
    expect(canonicalOp({ key: "conv2d", calls: 1, ms: 1, pct: 1 })).toBe("conv2d");
    const table = profileTable(c, "op", 5);
    expect(table.keys[0]).toBe("conv2d");
    expect(table.keys).toHaveLength(5);
    expect(table.variants).toEqual(c.profiles.map((p) => p.variant));
    const conv = table.rows.filter((r) => r.key === "conv2d");
    expect(conv.map((r) => r.variant)).toEqual(table.variants); // every variant runs convolutions
    expect(conv.find((r) => r.variant === "graph:ort@1t")?.source).toBe("Conv");
  });

  it("draws grouped bars, one series per variant, empty where a variant has no such row", () => {
    const table = profileTable(c, "module", 8);
    const option = profileOption(table, palette, "ms") as Record<string, unknown>;
    const series = seriesOf(option);
    expect(series.map((s) => s.name)).toEqual(table.variants);
    expect(series.every((s) => s.data.length === table.keys.length)).toBe(true);
    expect((option.yAxis as { data: string[] }).data).toEqual(table.keys);
    const pct = seriesOf(profileOption(table, palette, "pct") as Record<string, unknown>);
    expect(pct[0]?.data.every((v) => v === null || ((v as number) >= 0 && (v as number) <= 100))).toBe(true);
  });
});

describe("statistics, ratios and cold costs", () => {
  it("reads every variant's summary, with missing figures as null", () => {
    const rows = statsRows(result);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ batch: 1, variant: "eager", n: result.cases[0]?.variants[0]?.ms.n });
    expect(rows.every((r) => r.ciLowMs <= r.medianMs && r.medianMs <= r.ciHighMs)).toBe(true);
  });

  it("words a ratio the right way round, CI included", () => {
    expect(ratioWords({ ratio: 0.5, ciLow: 0.4, ciHigh: 0.625 })).toEqual({ text: "2.00× faster", ci: "1.60–2.50", faster: true, clear: true });
    expect(ratioWords({ ratio: 1.1, ciLow: 0.9, ciHigh: 1.3 })).toEqual({ text: "1.10× slower", ci: "0.90–1.30", faster: false, clear: false });
    expect(fmtRange(6.291, 12.31)).toBe("6.29–12.31 ms");
    expect(fmtRange(0.554, 0.879)).toBe("554–879 µs");
    expect(ratioRows(result).length).toBe(result.cases.reduce((n, c) => n + c.ratios.length, 0));
  });

  it("lists the cold costs per batch size, onnxruntime sessions included", () => {
    const rows = coldRows(result);
    expect(rows.filter((r) => r.batch === 1).map((r) => r.phase)).toEqual(
      expect.arrayContaining(["compile", "trace", "ONNX export", "onnxruntime 1t session", "onnxruntime 2t first run"]),
    );
    expect(rows.every((r) => r.ms === null || r.ms >= 0)).toBe(true);
  });
});

describe("bench settings and progress", () => {
  it("reads batch sizes and threads as typed", () => {
    expect(parseBatches("1, 8 32,8")).toEqual({ ok: true, value: [1, 8, 32] });
    expect(parseBatches("  ")).toEqual({ ok: true, value: null });
    expect(parseBatches("1, x")).toMatchObject({ ok: false });
    expect(parseBatches("0")).toMatchObject({ ok: false });
    expect(parseThreads("auto")).toEqual({ ok: true, value: "auto" });
    expect(parseThreads("1 2")).toEqual({ ok: true, value: [1, 2] });
    expect(parseThreads("")).toMatchObject({ ok: false });
  });

  it("turns progress events into one fraction that grows through the cases", () => {
    const p = (phase: BenchProgress["phase"], caseIndex: number, elapsedMs = 0, budgetMs = 2000) => BenchProgress.parse({ phase, caseIndex, cases: 2, elapsedMs, budgetMs, rounds: 3, detail: "" });
    const steps = [p("setup", 1), p("warm-up", 1, 250, 500), p("measure", 1, 1000), p("measure", 1, 2000), p("profile", 1), p("setup", 2), p("measure", 2, 1000), p("done", 2)].map(progressFraction);
    expect(steps.every((f, i) => i === 0 || f >= (steps[i - 1] ?? 0))).toBe(true);
    expect(steps.at(-1)).toBe(1);
    expect(steps[2]).toBeCloseTo((0.1 + 0.39) / 2, 9);
    expect(progressFraction(null)).toBe(0);
    expect(progressText(p("measure", 2, 800), [1, 4])).toBe("batch 4 (2 of 2) · measure · 0.8 of 2.0 s · 3 rounds");
  });
});

describe("graph heat", () => {
  const node = (name: string, op: string): ViewNode => ({ id: name, name, op, kind: "call", type: "f32[1]", module: null, location: null, inputs: [], weights: [], attrs: [], status: "kept", note: null, breaks: [] });
  const nodes = [node("conv2d", "conv2d"), node("conv2d_1", "conv2d"), node("relu", "relu"), node("flatten", "flatten")];

  it("takes each node's time from byNode when the profile has it", () => {
    const profile = result.cases[0]?.profiles.find((p) => p.variant === "graph:tfjs") as OpProfile;
    const heat = nodeHeat(profile, nodes);
    expect(heat.how).toBe("node");
    expect(heat.ms.get("conv2d")).toBe(profile.byNode?.conv2d);
    expect(heat.maxMs).toBe(Math.max(...heat.ms.values()));
  });

  it("falls back to the mean time of one call of the node's op type (eager, onnxruntime op types under the op the engine mapped them to)", () => {
    const profile = OpProfile.parse({ variant: "graph:ort@1t", source: "", forwards: 2, profiledMsPerForward: 3, byOp: [{ key: "Conv", calls: 2, ms: 2, pct: 66, op: "conv2d" }, { key: "Relu", calls: 1, ms: 1, pct: 33, op: "relu" }], byModule: [] });
    const heat = nodeHeat(profile, nodes);
    expect(heat.how).toBe("op-mean");
    expect(Object.fromEntries(heat.ms)).toEqual({ conv2d: 1, conv2d_1: 1, relu: 1 });
  });

  it("sums a collapsed module group's ops", () => {
    const profile = OpProfile.parse({ variant: "graph:tfjs", source: "", forwards: 1, profiledMsPerForward: 6, byOp: [], byModule: [], byNode: { conv2d: 1, conv2d_1: 2, relu: 3 } });
    const drawn = drawnHeat(nodeHeat(profile, nodes), nodes, (n) => (n.name.startsWith("conv2d") ? "layer1" : null));
    expect(Object.fromEntries(drawn)).toEqual({ conv2d: 1, conv2d_1: 2, relu: 3, "group:layer1": 3 });
  });

  it("colours from the panel colour to dark red, with text that reads on it", () => {
    expect(heatColor(0, "#ffffff")).toBe("#ffffff");
    expect(heatColor(1, "#ffffff")).toBe("#7f1d1d");
    expect(textOn(heatColor(1, "#ffffff"))).toBe("light");
    expect(textOn("#fde68a")).toBe("dark");
    expect(heatLevel(1, 4)).toBeCloseTo(0.5, 12);
    expect(heatLevel(1, 0)).toBe(0);
  });
});
