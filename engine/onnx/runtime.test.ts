import { describe, expect, it } from "vitest";
import { createSession, detectExecutionProviders, type HostTensor } from "./runtime";
import { allCases, dynamicBatchCase, gatherCase, mlpCase } from "./testing/models";
import { lcg } from "./testing/reference";

function expectClose(actual: HostTensor | undefined, expected: HostTensor, name: string): void {
  expect(actual, name).toBeDefined();
  if (!actual) return;
  expect({ name, dtype: actual.dtype, shape: actual.shape }).toEqual({ name, dtype: expected.dtype, shape: expected.shape });
  if (expected.dtype === "float32") {
    const got = Array.from(actual.data as Float32Array);
    // The reference accumulates in float64; onnxruntime in float32, in its own order.
    expected.data.forEach((want, i) => expect(Math.abs((got[i] as number) - want), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want)));
  } else {
    expect(actual.data, name).toEqual(expected.data);
  }
}

describe("onnxruntime runs builder models", () => {
  for (const model of allCases()) {
    it(`${model.name} matches plain JS`, async () => {
      const session = await createSession(model.bytes, { graphOptimizationLevel: "all", intraOpNumThreads: 1 });
      try {
        for (const run of model.runs) {
          const outputs = await session.run(run.feeds);
          expect(Object.keys(outputs).sort()).toEqual(Object.keys(run.expected).sort());
          for (const [name, want] of Object.entries(run.expected)) expectClose(outputs[name], want, name);
        }
        expect(session.timings.runs).toBe(model.runs.length);
        expect(session.timings.createMs).toBeGreaterThan(0);
      } finally {
        await session.release();
      }
    });
  }

  it("gives the same answers at every optimization level", async () => {
    const model = mlpCase();
    const run = model.runs[0];
    if (!run) throw new Error("no run");
    for (const level of ["disabled", "basic", "extended", "all"] as const) {
      const session = await createSession(model.bytes, { graphOptimizationLevel: level, intraOpNumThreads: 1, interOpNumThreads: 1 });
      expectClose((await session.run(run.feeds)).y, run.expected.y as HostTensor, `y at ${level}`);
      await session.release();
    }
  });

  it("names inputs and outputs, and accepts int64 as BigInt64Array too", async () => {
    const session = await createSession(gatherCase().bytes);
    expect(session.inputNames).toEqual(["ids"]);
    expect(session.outputNames).toEqual(["y", "ids_shape"]);
    const out = await session.run({ ids: { dtype: "int64", shape: [2, 3], data: BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 0n]) } });
    expect(out.y?.shape).toEqual([6, 4]);
    await session.release();
  });
});

describe("createSession: clear errors", () => {
  it("refuses unknown, missing and mistyped feeds, naming them", async () => {
    const session = await createSession(dynamicBatchCase().bytes);
    const x = { dtype: "float32" as const, shape: [2, 3], data: lcg(1, 6) };
    await expect(session.run({})).rejects.toThrow(/missing input\(s\) x/);
    await expect(session.run({ x, extra: x })).rejects.toThrow(/unknown input\(s\) extra/);
    await expect(session.run({ x: { dtype: "int32", shape: [2, 3], data: new Int32Array(6) } })).rejects.toThrow(/input 'x': the model takes float32, the feed is int32/);
    await expect(session.run({ x: { ...x, shape: [2, 2] } })).rejects.toThrow(/shape \[2, 2\] holds 4 elements, data has 6/);
    await session.release();
    await expect(session.run({ x })).rejects.toThrow(/released/);
  });

  it("wraps onnxruntime's load error", async () => {
    await expect(createSession(new Uint8Array([1, 2, 3]))).rejects.toThrow(/onnxruntime could not load the model/);
  });
});

describe("profiling", () => {
  it("returns per-node events and cleans up after itself", async () => {
    const model = mlpCase();
    const run = model.runs[0];
    if (!run) throw new Error("no run");
    const session = await createSession(model.bytes, { enableProfiling: true, graphOptimizationLevel: "disabled" });
    await session.run(run.feeds);
    const events = await session.endProfiling();
    const ops = events.filter((e) => e.category === "Node").map((e) => e.opType);
    expect(ops).toEqual(expect.arrayContaining(["MatMul", "Add", "Relu"]));
    expect(events.find((e) => e.category === "Node")?.provider).toBe("CPUExecutionProvider");
    await expect(session.endProfiling()).rejects.toThrow(/already ended/);
    await session.release();
  });

  it("is an error without enableProfiling", async () => {
    const session = await createSession(mlpCase().bytes);
    await expect(session.endProfiling()).rejects.toThrow(/without enableProfiling/);
    await session.release();
  });
});

describe("detectExecutionProviders", () => {
  it("lists CPU first, available, and gives a reason for each unavailable provider", async () => {
    const eps = await detectExecutionProviders();
    expect(eps[0]).toEqual({ name: "cpu", available: true, reason: null });
    for (const ep of eps) {
      if (ep.available) expect(ep.reason).toBeNull();
      else expect(ep.reason, ep.name).toMatch(/\S/);
    }
    console.info(eps.map((ep) => `${ep.name}: ${ep.available ? "available" : ep.reason}`).join("\n"));
    // Cached: the same promise's answer, no second round of probes.
    expect(await detectExecutionProviders()).toBe(eps);
  });
});
