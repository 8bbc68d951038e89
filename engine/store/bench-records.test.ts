/**
 * A bench result saved as run records: one per batch size and variant, RunResult-shaped, linked to
 * the whole result as one bench.json; `compare` then gives bench records a ratio with a CI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BenchCase, type BenchResult, BenchResult as BenchResultSchema, type BenchVariant } from "../../shared/bench";
import { RunRecord } from "../../shared/sessions";
import { benchRecords, coldForward } from "./bench-records";
import { compareRuns } from "./compare";
import { saveBenchOutcome } from "./save";
import { openStore, type Store } from "./store";
import { MODEL_V1, tempHome } from "./test/fixtures";

const samples = (center: number, n = 40) => Array.from({ length: n }, (_, i) => center * (1 + 0.03 * Math.sin(i * 2.4)));
const summary = (s: number[]) => {
  const sorted = [...s].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))] as number;
  return { n: s.length, mean: q(0.5), median: q(0.5), p90: q(0.9), p99: q(0.99), min: q(0), max: q(1), iqr: q(0.75) - q(0.25), iqrOverMedian: 0.02, medianCi: [q(0.4), q(0.6)] as [number, number] };
};

function variant(name: string, mode: BenchVariant["mode"], threads: number, center: number): BenchVariant {
  const s = samples(center);
  return { name, mode, threads, threadsNote: "", callsPerBlock: 2, ms: summary(s), samples: s, noisy: false, gflops: 1.5, pctOfPeak: { missing: "no peak" } };
}

function benchCase(batch: number, scale: number): BenchCase {
  const variants = [variant("eager", "eager", 1, 2 * scale), variant("graph:tfjs", "graph:tfjs", 1, 1.5 * scale), variant("graph:ort@2t", "graph:ort", 2, 1 * scale)];
  return {
    batch,
    inputs: [{ name: "x", shape: [batch, 4], dtype: "float32" }],
    flops: { total: 16 * batch, byOp: { linear: 16 * batch }, uncounted: [] },
    cold: { compileMs: 30, constructMs: 5, eagerFirstRunMs: 9, traceMs: 3, passesMs: 1, planCompileMs: 2, planFirstRunMs: 7, exportMs: 4, ortSessions: [{ threads: 2, sessionMs: 20, firstRunMs: 6, bare: false }] },
    variants,
    missing: [],
    ratios: [],
    picked: [],
    rounds: 40,
    elapsedMs: 300,
    stopReason: "converged",
    memory: {
      source: "test RSS",
      intervalMs: 5,
      samples: 100,
      peakBytes: 300e6,
      timeline: [],
      variants: variants.map((v, i) => ({ name: v.name, samples: 30, peakBytes: 200e6 + i * 1e6, peakRiseBytes: 1e6, setupBytes: 5e5 })),
      library: [],
    },
    profiles: [],
    warnings: [],
  };
}

function fakeBench(file: string): BenchResult {
  return BenchResultSchema.parse({
    schema: 1,
    file,
    sourceHash: "b".repeat(64),
    model: { className: "Net", parameters: 10, parameterBytes: 40, buffers: 0, bufferBytes: 0 },
    backend: { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", version: "4.22.0", available: true, reason: null, features: { simd: true } },
    provenance: { tandemVersion: "0.1.0", gitCommit: "c0ffee", gitDirty: false, node: "v20.0.0", platform: "linux", cpu: "Test CPU", cores: 2, loadAvg1m: 0.1, tfjs: "4.22.0", onnxruntime: "1.30.0", time: "2026-01-01T00:00:00.000Z" },
    settings: { modes: ["eager", "graph:tfjs", "graph:ort"], threads: [2], warmupS: 0.1, minTimeS: 0.2, maxTimeS: 1, targetRelCi: 0.01, seed: 3 },
    peak: { missing: "no peak" },
    cases: [benchCase(1, 1), benchCase(8, 4)],
    interrupted: false,
    warnings: [],
    rss: { source: "test", samples: 100, peakBytes: 300e6 },
  });
}

let current: Store | undefined;
afterEach(() => current?.close());

describe("benchRecords", () => {
  it("maps each variant of each batch size to a RunResult-shaped record", () => {
    const result = fakeBench("/models/net.ts");
    const records = benchRecords(result);
    expect(records.map((r) => `${r.batch} ${r.mode}`)).toEqual(["1 eager", "1 graph:tfjs", "1 graph:ort@2t", "8 eager", "8 graph:tfjs", "8 graph:ort@2t"]);
    const ort = records[2]?.outcome.result;
    const v = result.cases[0]?.variants[2] as BenchVariant;
    expect(ort).toMatchObject({
      mode: "graph:ort@2t",
      seed: 3,
      inputs: [{ name: "x", shape: [1, 4] }],
      timings: { compileMs: 30, constructMs: 5, firstForwardMs: 6, warmForwardMs: v.ms.median, p90ForwardMs: v.ms.p90, warmRuns: 40, samplesMs: v.samples },
      memory: { peakBytes: 202e6, baselineBytes: 201e6 },
      provenance: { gitCommit: "c0ffee", gitDirty: false },
    });
    expect(records[0]?.outcome.result.timings.firstForwardMs).toBe(9);
    expect(records[1]?.outcome.result.timings.firstForwardMs).toBe(7);
  });

  it("finds each variant's cold first run, bare onnxruntime apart from Tandem's", () => {
    const cold = benchCase(1, 1).cold;
    cold.ortSessions.push({ threads: 2, sessionMs: 1, firstRunMs: 3, bare: true });
    expect(coldForward(cold, { mode: "ort-bare", threads: 2 })).toBe(3);
    expect(coldForward(cold, { mode: "graph:ort", threads: 2 })).toBe(6);
    expect(coldForward(cold, { mode: "graph:ort", threads: 4 })).toBeNull();
    expect(coldForward({ ...cold, planFirstRunMs: { missing: "no" } }, { mode: "graph:tfjs", threads: 1 })).toBeNull();
  });

  it("saves them as bench runs sharing one bench.json, which compare gives a CI", async () => {
    const home = tempHome();
    const file = path.join(home, "net.ts");
    writeFileSync(file, MODEL_V1);
    const store = (current = openStore(path.join(home, "tandem.db")));
    const result = fakeBench(file);
    const ref = await saveBenchOutcome(store, { session: "bench day", modelFile: file, source: MODEL_V1.replace("Linear(4, 2)", "Linear(4, 3)") }, { ok: true, result, peak: { missing: "no" } });
    expect(ref.runIds).toHaveLength(6);
    expect(ref.runId).toBe(ref.runIds?.[0]);

    const runs = (ref.runIds ?? []).map((id) => store.requireRun(id));
    for (const run of runs) expect(RunRecord.safeParse(run).success).toBe(true);
    expect(runs.map((r) => [r.kind, r.mode, r.warmMs !== null, r.peakMemoryBytes])).toEqual([
      ["bench", "eager", true, 200e6],
      ["bench", "graph:tfjs", true, 201e6],
      ["bench", "graph:ort@2t", true, 202e6],
      ["bench", "eager", true, 200e6],
      ["bench", "graph:tfjs", true, 201e6],
      ["bench", "graph:ort@2t", true, 202e6],
    ]);
    // One artifact file, linked to every record.
    expect(new Set(runs.map((r) => r.artifacts[0]?.hash)).size).toBe(1);
    const artifact = runs[0]?.artifacts[0];
    if (!artifact) throw new Error("no artifact");
    expect(artifact.name).toBe("bench.json");
    expect(BenchResultSchema.parse(JSON.parse(readFileSync(store.artifactFile(artifact), "utf8")))).toEqual(result);
    // The editor's text is what was saved, not the file on disk.
    expect(store.getSource(runs[0]?.sourceId ?? "")?.files[0]?.text).toContain("Linear(4, 3)");

    const comparison = compareRuns([runs[0], runs[2]] as RunRecord[], { onlyDiff: false, source: (h) => store.getSource(h) });
    const ci = comparison.latency[1]?.ci;
    expect(ci).not.toBeNull();
    expect(comparison.latency[1]?.ratio).toBeCloseTo(0.5, 1);
    expect(comparison.latency[1]?.significant).toBe(true);
  });

  it("saves a failed bench as one failed record, and refuses one that measured nothing", async () => {
    const home = tempHome();
    const store = (current = openStore(path.join(home, "tandem.db")));
    const target = { session: "s", modelFile: path.join(home, "missing.ts") };
    const failed = await saveBenchOutcome(store, target, { ok: false, error: { kind: "shape", message: "bad", location: null, stack: [], op: null } });
    expect(store.requireRun(failed.runId)).toMatchObject({ kind: "bench", status: "error", errorKind: "shape" });
    const empty = { ...fakeBench(target.modelFile), cases: [] };
    await expect(saveBenchOutcome(store, target, { ok: true, result: empty, peak: { missing: "no" } })).rejects.toThrow(/nothing to save/);
  });
});
