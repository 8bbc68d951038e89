import { describe, expect, it } from "vitest";
import type { RunSummary, SavedOutcome, SessionInfo } from "../../shared/sessions";
import { boxStats, jitter, latencyBoxOption, memoryOption, quantile, ratioText, sampleRows, seriesColor } from "../src/lib/compare";
import { columnFor, defaultSessionName, importedFrom, runLabel, sessionMatches, toRunOutcome, uniqueName, whenText, withRuns, withSession } from "../src/lib/sessions";

describe("sessions sidebar helpers", () => {
  it("name the default session after the local date", () => {
    expect(defaultSessionName(new Date(2025, 0, 5, 23, 59))).toBe("Session 2025-01-05");
  });

  it("make a name unique, case-insensitively", () => {
    expect(uniqueName("Session 2025-01-05", [])).toBe("Session 2025-01-05");
    expect(uniqueName("Session 2025-01-05", ["session 2025-01-05", "Session 2025-01-05 (2)"])).toBe("Session 2025-01-05 (3)");
  });

  it("read the bundle a run came from", () => {
    expect(importedFrom("imported-from tuning.tandem")).toBe("tuning.tandem");
    expect(importedFrom("imported-from")).toBe("a bundle");
    expect(importedFrom("local")).toBeNull();
    expect(importedFrom(null)).toBeNull();
  });

  it("take in a save's session and runs without asking the engine again", () => {
    const info = (id: number, updatedAt: string, runCount: number): SessionInfo => ({ id, name: `s${id}`, notes: "", createdAt: "2025-01-01T00:00:00Z", updatedAt, runCount, lastRunAt: updatedAt });
    const run = (id: number) => ({ id, modelFile: "m.ts" }) as RunSummary;
    const list = [info(1, "2025-01-02T00:00:00Z", 3), info(2, "2025-01-01T00:00:00Z", 1)];
    expect(withSession(list, info(2, "2025-01-03T00:00:00Z", 2)).map((s) => [s.id, s.runCount])).toEqual([[2, 2], [1, 3]]);
    expect(withSession(list, info(3, "2025-01-04T00:00:00Z", 1)).map((s) => s.id)).toEqual([3, 1, 2]);
    // A late reply does not bring back an older count.
    expect(withSession(list, info(1, "2025-01-01T12:00:00Z", 2))).toEqual(list);
    const detail = { ...info(1, "2025-01-02T00:00:00Z", 2), runs: [run(1), run(2)] };
    const both = withRuns(withRuns(detail, info(1, "2025-01-02T00:00:02Z", 4), [run(4)]), info(1, "2025-01-02T00:00:01Z", 3), [run(3)]);
    expect(both.runs.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(both.runCount).toBe(4);
  });

  it("search names, notes and model files, every word", () => {
    const s = { name: "ResNet tuning", notes: "BatchNorm folding helps" };
    expect(sessionMatches(s, undefined, "")).toBe(true);
    expect(sessionMatches(s, undefined, "resnet")).toBe(true);
    expect(sessionMatches(s, undefined, "folding resnet")).toBe(true);
    expect(sessionMatches(s, undefined, "mlp")).toBe(false);
    expect(sessionMatches(s, ["/home/me/assets/examples/mlp.ts"], "mlp.ts")).toBe(true);
  });

  it("say when, relative to now", () => {
    const now = new Date(2025, 5, 10, 15, 0, 0);
    expect(whenText(new Date(2025, 5, 10, 14, 59, 40).toISOString(), now)).toBe("just now");
    expect(whenText(new Date(2025, 5, 10, 14, 55).toISOString(), now)).toBe("5 min ago");
    expect(whenText(new Date(2025, 5, 10, 12, 0).toISOString(), now)).toBe("3 h ago");
    expect(whenText(new Date(2025, 5, 10, 8, 5).toISOString(), now)).toBe("today 08:05");
    expect(whenText(new Date(2025, 5, 9, 8, 5).toISOString(), now)).toBe("yesterday 08:05");
    expect(whenText(new Date(2025, 2, 4, 9, 15).toISOString(), now)).toBe("Mar 4 09:15");
    expect(whenText(new Date(2023, 2, 4, 9, 15).toISOString(), now)).toBe("2023-03-04");
    expect(whenText(null, now)).toBe("–");
  });

  it("put eager runs in the eager column and graph runs in the graph column", () => {
    expect(columnFor("eager")).toBe("eager");
    expect(columnFor("graph:tfjs")).toBe("graph");
    expect(columnFor("graph:ort")).toBe("graph");
    expect(columnFor("ort-bare")).toBeNull();
    expect(columnFor(null)).toBeNull();
    expect(runLabel({ id: 12, kind: "run", mode: "graph:ort", backend: "wasm" })).toBe("#12 graph:ort wasm");
    expect(runLabel({ id: 3, kind: "bench", mode: null, backend: null })).toBe("#3 bench");
  });

  const provenance = { tandemVersion: "0.1.0", node: "v20", platform: "linux x64", cpu: "cpu", time: "2025-01-01T00:00:00Z", gitCommit: "abc", gitDirty: false };

  it("read an old saved result (no samples, memory or graph) as a RunOutcome, missing figures left missing", () => {
    const saved = {
      ok: true,
      result: {
        file: "/m.ts",
        sourceHash: "h",
        mode: "graph:tfjs",
        backend: { name: "cpu", version: "4.22.0", features: {} },
        seed: 0,
        model: { className: "Net", parameters: 10, parameterBytes: 40 },
        inputs: [],
        outputs: [],
        timings: { compileMs: 1, constructMs: 2, firstForwardMs: 3, warmForwardMs: 0.5, warmRuns: 3 },
        logs: [],
        diagnostics: [],
        provenance,
      },
    } as unknown as SavedOutcome;
    const outcome = toRunOutcome(saved);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result.mode).toBe("graph:tfjs");
    expect(outcome.result.timings.samplesMs).toEqual([]);
    expect(outcome.result.timings.p90ForwardMs).toBeNull();
    expect(outcome.result.memory.peakBytes).toBeNull();
    expect(outcome.result.graph).toBeNull();
    expect(outcome.result.provenance).not.toHaveProperty("gitCommit");
  });

  it("keep a failed run's error", () => {
    const saved: SavedOutcome = { ok: false, error: { kind: "shape", message: "bad", location: null, stack: [], op: "matmul" }, logs: [], diagnostics: [], provenance };
    const outcome = toRunOutcome(saved);
    expect(outcome).toEqual({ ok: false, error: saved.error, logs: [], diagnostics: [] });
  });
});

describe("compare charts", () => {
  it("take quantiles and box statistics as numpy does", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
    const b = boxStats([5, 1, 2, 3, 4, 100]);
    expect(b).toMatchObject({ n: 6, min: 1, max: 100, median: 3.5, q1: 2.25, q3: 4.75 });
    expect(b?.high).toBe(5); // 100 lies beyond 1.5 IQR: a dot, not the whisker
    expect(boxStats([])).toBeNull();
  });

  it("spread the dots the same way every time, within the row", () => {
    const spread = Array.from({ length: 50 }, (_, i) => jitter(i, 50));
    expect(spread).toEqual(Array.from({ length: 50 }, (_, i) => jitter(i, 50)));
    expect(Math.max(...spread.map(Math.abs))).toBeLessThanOrEqual(0.22);
    expect(jitter(3, 1)).toBe(0);
  });

  const series = [
    { label: "#1 eager cpu", samplesMs: [1, 1.2, 0.9], warmMs: 1, color: seriesColor(0, false) },
    { label: "#2 eager cpu", samplesMs: [], warmMs: 2, color: seriesColor(1, false) },
  ];

  it("save every sample drawn, and a median alone where a run kept none", () => {
    expect(sampleRows(series)).toEqual([
      { run: "#1 eager cpu", sample: 1, ms: 1 },
      { run: "#1 eager cpu", sample: 2, ms: 1.2 },
      { run: "#1 eager cpu", sample: 3, ms: 0.9 },
      { run: "#2 eager cpu", sample: 0, ms: 2 },
    ]);
  });

  it("draw a box per run and the samples over it, on rows in run order", () => {
    const option = latencyBoxOption(series, "#555") as { yAxis: { data?: string[]; min?: number; max?: number }[]; series: { type: string; data: unknown[]; symbol?: string }[] };
    expect(option.yAxis[0]?.data).toEqual(["#1 eager cpu", "#2 eager cpu"]);
    expect(option.yAxis[1]).toMatchObject({ min: -0.5, max: 1.5 });
    const [box, first, second] = option.series;
    expect(box?.type).toBe("boxplot");
    expect((box?.data[0] as { value: number[] }).value).toEqual([0.9, 0.95, 1, 1.1, 1.2]);
    expect((box?.data[1] as { value: unknown[] }).value).toEqual(["-", "-", "-", "-", "-"]);
    expect(first?.data).toHaveLength(3);
    for (const point of first?.data as [number, number][]) expect(Math.abs(point[1])).toBeLessThanOrEqual(0.22);
    expect(second).toMatchObject({ symbol: "diamond", data: [[2, 1]] });
  });

  it("draw peak memory in MB, an unmeasured run as no bar", () => {
    const option = memoryOption(
      [
        { run: "#1", peakBytes: 64 * 1024 * 1024, note: null },
        { run: "#2", peakBytes: null, note: "not measured" },
      ],
      ["#111111", "#222222"],
      "#555",
    ) as { series: { data: { value: number | null }[] }[] };
    expect(option.series[0]?.data.map((d) => d.value)).toEqual([64, null]);
  });

  it("word a ratio as slower or faster than the baseline", () => {
    expect(ratioText(1.234)).toBe("1.23× slower");
    expect(ratioText(0.8)).toBe("1.25× faster");
    expect(ratioText(1.001)).toBe("same");
    expect(ratioText(null)).toBe("–");
  });
});
