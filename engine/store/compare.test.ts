import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Comparison } from "../../shared/sessions";
import { medianRatioOverBaseline } from "../measure/stats";
import { compareRuns, median } from "./compare";
import { snapshotSources } from "./snapshot";
import { openStore, type Store } from "./store";
import { errorOutcome, MODEL_V1, MODEL_V2, okOutcome, tempHome } from "./test/fixtures";

const GIT = { commit: "c0ffee", dirty: false } as const;
let current: Store | undefined;
afterEach(() => current?.close());
function newStore(): Store {
  current = openStore(path.join(tempHome(), "tandem.db"));
  return current;
}

/** A normal-ish sample set around `center`, from a fixed sequence so the test is deterministic. */
function samples(center: number, n = 30, spread = 0.05): number[] {
  return Array.from({ length: n }, (_, i) => center * (1 + spread * Math.sin(i * 2.399963)));
}

describe("medianRatioOverBaseline, unpaired (two runs)", () => {
  it("calls a 20% slowdown significant and brackets the true ratio, above 1 for the slower samples", () => {
    const r = medianRatioOverBaseline(samples(12), samples(10));
    expect(r.ratio).toBeCloseTo(1.2, 2);
    expect(r.ci[0]).toBeLessThan(1.2);
    expect(r.ci[1]).toBeGreaterThan(1.2);
    expect(r.ci[0]).toBeGreaterThan(1);
    expect(r.significant).toBe(true);
    expect(medianRatioOverBaseline(samples(10), samples(12)).ratio).toBeCloseTo(1 / 1.2, 2);
  });

  it("does not call the same distribution different, and is reproducible", () => {
    const a = samples(10, 30, 0.3);
    const b = [...a].reverse().map((x, i) => x * (i % 2 ? 1.01 : 0.99));
    const r = medianRatioOverBaseline(b, a);
    expect(r.ci[0]).toBeLessThan(1);
    expect(r.ci[1]).toBeGreaterThan(1);
    expect(r.significant).toBe(false);
    expect(medianRatioOverBaseline(b, a)).toEqual(r);
  });

  it("needs samples on both sides", () => {
    expect(() => medianRatioOverBaseline([1, 2], [1])).toThrow(RangeError);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});

describe("compareRuns", () => {
  function setup() {
    const store = newStore();
    const a = store.ensureSession("monday");
    const b = store.ensureSession("friday");
    const base = store.saveRun(a.id, okOutcome({ warmMs: 10, coldMs: 100, sum: 3.25, sha256: "1".repeat(64) }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V1, git: GIT });
    const slower = store.saveRun(b.id, okOutcome({ warmMs: 15, coldMs: 120, backend: "cpu", sum: 3.5, sha256: "2".repeat(64) }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, git: GIT });
    const same = store.saveRun(b.id, okOutcome({ warmMs: 10, sum: 3.25, sha256: "1".repeat(64) }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V1, git: GIT });
    const failed = store.saveRun(b.id, errorOutcome(), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, git: GIT });
    const runs = [base, slower, same, failed].map((r) => store.requireRun(r.id));
    return { runs, compare: (onlyDiff = false) => Comparison.parse(compareRuns(runs, { onlyDiff, source: (h) => store.getSource(h) })) };
  }

  it("puts latency side by side with the ratio against the first run, and says why there is no interval", () => {
    const { runs, compare } = setup();
    const c = compare();
    expect(c.runs.map((r) => r.session)).toEqual(["monday", "friday", "friday", "friday"]);
    expect(c.latency.map((l) => l.ratio)).toEqual([null, 1.5, 1, null]);
    expect(c.latency.map((l) => l.coldMs)).toEqual([100, 120, 150, null]);
    expect(c.latency[1]?.note).toBe("no samples: significance not available");
    expect(c.latency[1]?.ci).toBeNull();
    expect(c.latency[1]?.significant).toBeNull();
    expect(c.latency[3]?.note).toMatch(/failed \(shape\)/);
    expect(c.memory.every((m) => m.peakBytes === null && m.note === "not measured")).toBe(true);
    expect(runs).toHaveLength(4);
  });

  it("compares outputs of the same name by digest and sum", () => {
    const c = setup().compare();
    expect(c.parity.map((p) => p.runId)).toEqual(c.runs.slice(1).map((r) => r.id));
    expect(c.parity[0]?.outputs[0]).toMatchObject({ name: "output", present: true, sameShape: true, identical: false, sum: 3.5, sumAbsDiff: 0.25 });
    expect(c.parity[1]?.outputs[0]).toMatchObject({ identical: true, sumAbsDiff: 0 });
    expect(c.parity[2]?.outputs[0]).toMatchObject({ present: false, identical: null });
  });

  it("diffs the model sources against the first run", () => {
    const c = setup().compare();
    const [changed, same, failed] = c.sources;
    expect(changed?.identical).toBe(false);
    expect(changed?.diff).toContain("--- a/net.ts");
    expect(changed?.diff).toContain("-    return this.fc(x);\n+    return this.fc(x).relu();");
    expect(same).toMatchObject({ identical: true, diff: "" });
    expect(failed?.diff).toContain("+    return this.fc(x).relu();");
  });

  it("lists every setting, or with --only-diff just those that differ", () => {
    const { compare } = setup();
    const all = compare();
    const keys = all.settings.map((s) => s.key);
    for (const key of ["backend", "backend version", "seed", "mode", "tandem version", "git commit", "cpu"]) expect(keys).toContain(key);
    expect(all.settings.find((s) => s.key === "backend")?.values).toEqual(["wasm", "cpu", "wasm", null]);
    expect(all.settings.find((s) => s.key === "git commit")).toMatchObject({ differs: false, values: ["c0ffee", "c0ffee", "c0ffee", "c0ffee"] });
    const diff = compare(true);
    expect(diff.onlyDiff).toBe(true);
    expect(diff.settings.length).toBeLessThan(all.settings.length);
    expect(diff.settings.every((s) => s.differs)).toBe(true);
    expect(diff.settings.map((s) => s.key)).toContain("backend");
    expect(diff.settings.map((s) => s.key)).not.toContain("git commit");
  });

  it("computes the interval and significance when both runs carry raw samples", () => {
    const store = newStore();
    const s = store.ensureSession("bench");
    const a = store.saveRun(s.id, okOutcome({ warmMs: 10, samplesMs: samples(10) }), { kind: "bench", modelFile: "m.ts", git: GIT });
    const b = store.saveRun(s.id, okOutcome({ warmMs: 12, samplesMs: samples(12) }), { kind: "bench", modelFile: "m.ts", git: GIT });
    const c = compareRuns([store.requireRun(a.id), store.requireRun(b.id)], { source: () => null });
    expect(c.latency[1]?.ci?.low).toBeGreaterThan(1);
    expect(c.latency[1]?.significant).toBe(true);
    expect(c.latency[1]?.note).toBeNull();
    expect(c.sources[0]?.note).toMatch(/no source snapshot for run \d+ and \d+/);
  });

  it("diffs imported files too", async () => {
    const dir = tempHome();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(dir, "block.ts"), "export const width = 4;\n");
    writeFileSync(path.join(dir, "net.ts"), `import { width } from "./block";\nexport const w = width;\n`);
    const store = newStore();
    const s = store.ensureSession("imports");
    const first = store.saveRun(s.id, okOutcome(), { kind: "run", modelFile: path.join(dir, "net.ts"), sources: await snapshotSources(path.join(dir, "net.ts")), git: GIT });
    writeFileSync(path.join(dir, "block.ts"), "export const width = 8;\n");
    const second = store.saveRun(s.id, okOutcome(), { kind: "run", modelFile: path.join(dir, "net.ts"), sources: await snapshotSources(path.join(dir, "net.ts")), git: GIT });
    const c = compareRuns([store.requireRun(first.id), store.requireRun(second.id)], { source: (h) => store.getSource(h) });
    expect(c.sources[0]?.diff).toContain("--- a/block.ts");
    expect(c.sources[0]?.diff).toContain("-export const width = 4;\n+export const width = 8;");
    expect(c.sources[0]?.diff).not.toContain("net.ts");
  });
});
