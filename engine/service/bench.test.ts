/**
 * `bench` through a real service and client: editor text benchmarked as a job on the pool, progress
 * as benchProgress events, a cancel that answers what was measured, and the result saved as one
 * bench record per variant. Time budgets are tiny: the structure is tested, not the timings.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchProgress } from "../../shared/bench";
import { errorCode } from "../../shared/client";
import { type ServiceClient, TINY_MODEL, serviceClient } from "./test/service-client";

let engine: ServiceClient;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tandem-bench-service-"));
  process.env.TANDEM_HOME = path.join(dir, "home");
  engine = serviceClient({ baseDir: dir });
});
afterAll(() => engine?.close());

const model = () => ({ source: TINY_MODEL, filename: path.join(dir, "unsaved.ts") });
const quick = { warmupS: 0.02, minTimeS: 0.1, maxTimeS: 0.3, minBlocks: 3, backend: "wasm" as const, profile: false };

describe("bench over the contract", () => {
  it("benchmarks editor text with progress events, and saves one bench record per variant", async () => {
    const { tandem } = engine;
    const id = tandem.nextId();
    const phases = new Set<string>();
    const stop = tandem.on("benchProgress", (p, job) => job === id && phases.add(p.phase));
    const outcome = await tandem.bench({ model: model(), modes: ["eager", "graph:ort"], batches: [2], session: "bench", ...quick }, { id });
    stop();
    if (!outcome.ok || !outcome.result) throw new Error(outcome.ok ? "no result" : outcome.error.message);
    const result = outcome.result;
    expect(result.file).toBe(path.join(dir, "unsaved.ts"));
    expect(result.interrupted).toBe(false);
    expect(result.cases[0]?.variants.map((v) => v.name)).toEqual(["eager", "graph:ort@1t"]);
    expect(result.cases[0]?.inputs[0]?.shape).toEqual([2, 16]);
    expect([...phases]).toEqual(expect.arrayContaining(["compile", "setup", "measure", "done"]));

    expect(outcome.saveError).toBeUndefined();
    const ids = outcome.saved?.runIds ?? [];
    expect(ids).toHaveLength(2);
    const [eager, ort] = await Promise.all(ids.map((run) => tandem.runGet({ run })));
    expect([eager?.kind, eager?.mode, ort?.mode]).toEqual(["bench", "eager", "graph:ort@1t"]);
    expect(eager?.artifacts.map((a) => a.name)).toEqual(["bench.json"]);
    expect((await tandem.sourceGet({ hash: eager?.sourceId ?? "" })).files[0]?.text).toBe(TINY_MODEL);
    const comparison = await tandem.runsCompare({ runs: ids });
    expect(comparison.latency[1]?.ci).not.toBeNull();
  });

  it("stops on cancel and answers with what it measured", async () => {
    const { tandem } = engine;
    const id = tandem.nextId();
    let measuring: (p: BenchProgress) => void = () => {};
    const started = new Promise<BenchProgress>((resolve) => (measuring = resolve));
    tandem.on("benchProgress", (p, job) => job === id && p.phase === "measure" && p.rounds > 0 && measuring(p));
    const call = tandem.bench({ model: model(), modes: ["eager"], ...quick, minTimeS: 60, maxTimeS: 120, targetRelCi: 1e-9 }, { id });
    await started;
    expect(await tandem.cancel(id)).toBe(true);
    const outcome = await call;
    if (!outcome.ok || !outcome.result) throw new Error("expected a result");
    expect(outcome.result.interrupted).toBe(true);
    expect(outcome.result.cases[0]?.stopReason).toBe("stopped");
    expect(outcome.result.cases[0]?.variants[0]?.ms.n).toBeGreaterThan(0);
  });

  it("waits its turn behind a running bench, and a queued one cancelled never starts", async () => {
    const { tandem } = engine;
    const first = tandem.nextId();
    const second = tandem.nextId();
    const queued: number[] = [];
    tandem.on("progress", (p, job) => job === second && p.phase === "queued" && queued.push(p.position ?? 0));
    let measuring: () => void = () => {};
    const started = new Promise<void>((resolve) => (measuring = resolve));
    tandem.on("benchProgress", (p, job) => job === first && p.phase === "measure" && measuring());
    const running = tandem.bench({ model: model(), modes: ["eager"], ...quick, minTimeS: 60, maxTimeS: 120, targetRelCi: 1e-9 }, { id: first });
    const waiting = tandem.bench({ model: model(), modes: ["eager"], ...quick }, { id: second });
    await started;
    expect(queued).toEqual([1]);
    await tandem.cancel(second);
    expect(errorCode(await waiting.catch((e: unknown) => e))).toBe("cancelled");
    await tandem.cancel(first);
    expect((await running).ok).toBe(true);
  });
});
