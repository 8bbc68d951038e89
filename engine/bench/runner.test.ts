/**
 * `tandem bench` end to end, in its worker process, with time budgets small enough for a test:
 * the result's structure, not its timings (a shared 2-core machine makes timings meaningless here).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type BenchResult, BenchResult as BenchResultSchema, type BenchOutcome } from "../../shared/bench";
import { formatBench } from "./format";
import { runBench } from "../service/run-model";

const examples = path.resolve(import.meta.dirname, "../../assets/examples");
const models = path.resolve(import.meta.dirname, "../test/fixtures/models");
const quick = { warmupS: 0.05, minTimeS: 0.2, maxTimeS: 0.5, minBlocks: 3, backend: "wasm" as const };

function ok(outcome: BenchOutcome): BenchResult {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.kind}: ${outcome.error.message}`);
  if (!outcome.result) throw new Error("no result");
  return outcome.result;
}

describe("runBench", () => {
  it("measures eager, graph:tfjs and graph:ort interleaved, per batch size, with memory, FLOPs and profiles", async () => {
    const r = ok(await runBench({ file: path.join(examples, "mlp.ts"), modes: ["eager", "graph:tfjs", "graph:ort"], batches: [1, 3], ...quick }));
    expect(BenchResultSchema.safeParse(r).success).toBe(true);
    expect(r.interrupted).toBe(false);
    expect(r.model.parameters).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    expect(r.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.provenance.gitCommit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(r.cases.map((c) => c.inputs[0]?.shape)).toEqual([
      [1, 784],
      [3, 784],
    ]);
    for (const [i, c] of r.cases.entries()) {
      const batch = [1, 3][i] as number;
      expect(c.variants.map((v) => v.name)).toEqual(["eager", "graph:tfjs", "graph:ort@1t"]);
      for (const v of c.variants) {
        expect(v.ms.n).toBeGreaterThanOrEqual(3);
        expect(v.samples).toHaveLength(v.ms.n);
        expect(v.ms.min).toBeLessThanOrEqual(v.ms.median);
        expect(v.ms.median).toBeLessThanOrEqual(v.ms.p90);
        expect(v.ms.p90).toBeLessThanOrEqual(v.ms.p99);
        expect(typeof v.gflops).toBe("number");
      }
      // Interleaved rounds: every variant got one block per round.
      expect(new Set(c.variants.map((v) => v.ms.n)).size).toBe(1);
      expect(c.ratios.find((x) => x.a === "graph:tfjs" && x.b === "eager")).toBeDefined();
      for (const x of c.ratios) expect(x.ci[0]).toBeLessThanOrEqual(x.ci[1]);
      const macs = 784 * 256 + 256 * 128 + 128 * 10;
      expect(c.flops).toMatchObject({ total: 2 * batch * macs + batch * (256 + 128 + 10) + batch * (256 + 128) });
      expect(typeof c.cold.traceMs).toBe("number");
      expect(typeof c.cold.exportMs).toBe("number");
      expect(c.cold.ortSessions).toHaveLength(1);
      // RSS: samples exist and the peak bounds every timeline point.
      expect(c.memory.samples).toBeGreaterThan(0);
      const peak = c.memory.peakBytes as number;
      for (const p of c.memory.timeline) expect(peak).toBeGreaterThanOrEqual(p.bytes);
      expect(c.memory.library.map((l) => l.mode)).toEqual(["eager", "graph:tfjs", "graph:ort"]);
      expect(c.memory.library[2]?.atRestBytes).toHaveProperty("missing");
      expect(c.profiles.map((p) => p.variant)).toEqual(["eager", "graph:tfjs", "graph:ort@1t"]);
      expect(c.profiles[0]?.byOp.some((row) => row.key === "linear")).toBe(true);
      expect(c.profiles[0]?.byModule.some((row) => row.key === "fc1")).toBe(true);
      expect(c.profiles[2]?.byOp.some((row) => row.key === "Gemm" || row.key === "MatMul" || row.key === "FusedGemm")).toBe(true);
    }
    // The worker's own RSS peak and the parent's reading of /proc/<pid>/status agree.
    const own = r.rss.peakBytes as number;
    const parent = r.independentRss;
    if (parent && !("missing" in parent)) expect(Math.abs(own - parent.peakBytes) / parent.peakBytes).toBeLessThan(0.1);
    const text = formatBench(r, "text");
    expect(text).toContain("graph:tfjs / eager");
    expect(text).toContain("top ops");
    expect(formatBench(r, "md")).toMatch(/^\| variant \| threads \|/m);
  });

  it("stops on request (Ctrl-C) and returns what it measured", async () => {
    const controller = new AbortController();
    const start = Date.now();
    const outcome = await runBench(
      { file: path.join(examples, "mlp.ts"), modes: ["eager", "graph:tfjs"], ...quick, minTimeS: 60, maxTimeS: 60 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === "measure" && p.rounds >= 3) controller.abort();
        },
      },
    );
    const r = ok(outcome);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect(r.interrupted).toBe(true);
    expect(r.cases[0]?.stopReason).toBe("stopped");
    expect(r.cases[0]?.variants.every((v) => v.ms.n >= 3)).toBe(true);
    expect(r.warnings.some((w) => w.includes("stopped early"))).toBe(true);
  });

  it("measures a model with graph breaks in graph:tfjs as compiled segments with eager glue; graph:ort is missing, and why", async () => {
    const r = ok(await runBench({ file: path.join(examples, "branching.ts"), modes: ["eager", "graph:tfjs", "graph:ort"], ...quick }));
    expect(BenchResultSchema.safeParse(r).success).toBe(true);
    const c = r.cases[0];
    expect(c?.variants.map((v) => v.name)).toEqual(["eager", "graph:tfjs"]);
    for (const v of c?.variants ?? []) {
      expect(v.ms.n).toBeGreaterThanOrEqual(3);
      expect(v.samples).toHaveLength(v.ms.n);
    }
    // One segment before the .item() read, one after it: both compiled, outputs equal to eager's.
    const split = c?.variants[1];
    expect(split?.note).toMatch(/^ran as 2 compiled segments with eager glue between them \(1 graph break/);
    expect(c?.warnings.some((w) => w.includes("differs from eager"))).toBe(false);
    expect(c?.ratios.find((x) => x.a === "graph:tfjs" && x.b === "eager")).toBeDefined();
    expect(typeof c?.cold.planCompileMs).toBe("number");
    expect(typeof c?.cold.planFirstRunMs).toBe("number");
    expect(c?.missing).toEqual([{ mode: "graph:ort", reason: expect.stringMatching(/1 graph break \(first at branching\.ts:\d+\): one ONNX graph would hold only the path/) }]);
    // The split variant's profile: the segments' plan steps, by the modules they came from.
    const profile = c?.profiles.find((p) => p.variant === "graph:tfjs");
    expect(profile?.source).toContain("eager glue between segments is not in the rows");
    expect(profile?.byModule.some((row) => row.key === "encoder")).toBe(true);
    expect(profile?.byNode).toBeUndefined();
    expect(c?.memory.library.map((l) => l.mode)).toEqual(["eager", "graph:tfjs"]);
    expect(r.warnings.some((w) => w.includes("console lines"))).toBe(true);
    expect(formatBench(r, "text")).toContain("graph:tfjs: ran as 2 compiled segments");
  });

  it("stops a model stuck in a loop at the time limit, as tandem run does", async () => {
    const start = Date.now();
    const outcome = await runBench({ file: path.join(models, "infinite_loop.ts"), ...quick, modes: ["eager"], timeoutMs: 4000 });
    if (outcome.ok) throw new Error("expected the benchmark to time out");
    expect(outcome.error.kind).toBe("timeout");
    expect(outcome.error.message).toMatch(/^the benchmark did not finish within 4 s and its worker was stopped/);
    expect(outcome.error.message).toContain("raise the limit with --timeout");
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  it("reports a model that runs its worker out of memory", async () => {
    const outcome = await runBench({ file: path.join(models, "out_of_memory.ts"), ...quick }, { maxOldSpaceMb: 96 });
    if (outcome.ok) throw new Error("expected the benchmark to run out of memory");
    expect(outcome.error.kind).toBe("oom");
    expect(outcome.error.message).toContain("96 MB");
  });

  it("reports a model error with its location, like tandem run", async () => {
    const outcome = await runBench({ file: path.join(import.meta.dirname, "../test/fixtures/models/syntax_error.ts"), ...quick });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.kind).toBe("syntax");
  });
});
