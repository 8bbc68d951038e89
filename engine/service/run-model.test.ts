/**
 * Running user model files in a worker process: results, and every way a model can fail, each
 * reported with the user's file:line:col while the caller goes on.
 */
import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { LogEntry, RunOutcome, RunResult, ModelError } from "../../shared/run";
import { RunOutcome as RunOutcomeSchema } from "../../shared/run";
import { runModel } from "./run-model";

const models = path.resolve(import.meta.dirname, "../test/fixtures/models");
const examples = path.resolve(import.meta.dirname, "../../assets/examples");

function ok(outcome: RunOutcome): RunResult {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.kind}: ${outcome.error.message}`);
  return outcome.result;
}

function failed(outcome: RunOutcome): ModelError {
  if (outcome.ok) throw new Error("expected the run to fail");
  return outcome.error;
}

describe("runModel: results", () => {
  it("runs the MLP example and summarises its output", async () => {
    const outcome = await runModel({ file: path.join(examples, "mlp.ts"), backend: "wasm", repeat: 2 });
    expect(RunOutcomeSchema.safeParse(outcome).success).toBe(true);
    const r = ok(outcome);
    expect(r.backend.name).toBe("wasm");
    expect(r.inputs).toEqual([{ name: "x", shape: [8, 784], dtype: "float32" }]);
    expect(r.outputs).toHaveLength(1);
    const [out] = r.outputs;
    expect(out?.shape).toEqual([8, 10]);
    expect(out?.preview).toHaveLength(8);
    expect(out?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.model.parameters).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    expect(r.timings.warmRuns).toBe(2);
    expect(r.timings.warmForwardMs).toBeGreaterThan(0);
    expect(r.timings.samplesMs).toHaveLength(2);
    expect(r.timings.p90ForwardMs).toBeGreaterThanOrEqual(r.timings.warmForwardMs ?? Infinity);
    // The worker holds tfjs-wasm's heap and the model: well above a bare Node process.
    expect(r.memory.baselineBytes).toBeGreaterThan(30e6);
    expect(r.memory.peakBytes).toBeGreaterThanOrEqual(r.memory.baselineBytes ?? Infinity);
    expect(r.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is deterministic for a seed and changes with it", async () => {
    const file = path.join(examples, "mlp.ts");
    const [a, b, c] = await Promise.all([
      runModel({ file, backend: "wasm", seed: 3, repeat: 0 }),
      runModel({ file, backend: "wasm", seed: 3, repeat: 0 }),
      runModel({ file, backend: "wasm", seed: 4, repeat: 0 }),
    ]);
    expect(ok(a).outputs[0]?.sha256).toBe(ok(b).outputs[0]?.sha256);
    expect(ok(a).outputs[0]?.sha256).not.toBe(ok(c).outputs[0]?.sha256);
  });

  it("captures console.log with the user's line, streaming it as it happens", async () => {
    const streamed: LogEntry[] = [];
    const outcome = await runModel({ file: path.join(examples, "branching.ts"), backend: "cpu", repeat: 1 }, { onLog: (e) => streamed.push(e) });
    const r = ok(outcome);
    const line = r.logs.find((e) => e.level === "log");
    expect(line?.text).toContain("gate");
    expect(line?.location?.file).toBe(path.join(examples, "branching.ts"));
    expect(line?.location?.line).toBeGreaterThan(1);
    expect(streamed.some((e) => e.text === line?.text)).toBe(true);
  });
});

describe("runModel: graph mode", () => {
  it("traces, optimizes and runs the ResNet as a compiled plan that agrees with eager", async () => {
    const r = ok(await runModel({ file: path.join(examples, "resnet_cnn.ts"), mode: "graph:tfjs", repeat: 1, typecheck: false, explain: true }));
    expect(r.mode).toBe("graph:tfjs");
    const g = r.graph;
    // The IR before and after the passes, both as nodes: BatchNorm folding leaves fewer calls.
    const calls = (nodes: { kind: string }[] | undefined) => nodes?.filter((n) => n.kind === "call").length;
    expect(calls(g?.irTracedGraph?.nodes)).toBe(g?.callsTraced);
    expect(calls(g?.ir?.nodes)).toBe(g?.callsOptimized);
    expect(g?.fallback).toBeNull();
    expect(g?.breaks).toEqual([]);
    expect(g?.callsOptimized).toBeLessThan(g?.callsTraced ?? 0);
    expect(g?.passes.find((p) => p.pass === "fold-batchnorm")?.changes.length).toBeGreaterThan(0);
    expect(g?.parity[0]?.output).toBe("output");
    expect(g?.parity[0]?.maxAbsDiff).toBeLessThan(1e-5);
    expect(r.outputs[0]?.shape).toEqual([4, 10]);
  });

  it("runs the transformer in onnxruntime (graph:ort) and agrees with eager", async () => {
    const r = ok(await runModel({ file: path.join(examples, "transformer_block.ts"), mode: "graph:ort", repeat: 1, typecheck: false }));
    expect(r.graph?.runner).toBe("ort");
    expect(r.graph?.ort?.executionProvider).toBe("cpu");
    expect(r.graph?.parity[0]?.maxAbsDiff).toBeLessThan(1e-5);
    expect(r.outputs[0]?.shape).toEqual([2, 16, 1000]);
  });

  it("exports an ONNX file that the checker accepts and onnxruntime runs like eager", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-export-")), "cnn.onnx");
    const r = ok(await runModel({ file: path.join(examples, "resnet_cnn.ts"), mode: "graph:tfjs", repeat: 0, typecheck: false, export: { path: file, dynamicBatch: true } }));
    const e = r.graph?.export;
    expect(e?.path).toBe(file);
    expect(statSync(file).size).toBe(e?.bytes);
    expect(e?.opset).toBe(17);
    expect(e?.irVersion).toBe(8);
    expect(e?.inputNames).toEqual(["x"]);
    expect(e?.opTypes.Conv).toBeGreaterThan(0);
    expect(e?.opTypes.BatchNormalization).toBeUndefined(); // folded into the convolutions
    if ("skipped" in (e?.checker ?? {})) console.info(`ONNX checker skipped: ${JSON.stringify(e?.checker)}`);
    else expect(e?.checker).toEqual({ ok: true, error: null });
    expect(e?.onnxruntime.ok).toBe(true);
    expect(e?.onnxruntime.parity[0]?.maxAbsDiff).toBeLessThan(1e-5);
  });

  it("refuses to export a model with graph breaks, naming them", async () => {
    const outcome = await runModel({ file: path.join(examples, "branching.ts"), mode: "graph:tfjs", typecheck: false, export: { path: path.join(os.tmpdir(), "never.onnx") } });
    expect(failed(outcome).message).toContain("cannot export");
  });

  it("splits a model with a graph break into compiled segments with eager glue, and points at the break", async () => {
    const r = ok(await runModel({ file: path.join(examples, "branching.ts"), mode: "graph:tfjs", repeat: 2, typecheck: false }));
    expect(r.graph?.fallback).toBeNull();
    expect(r.graph?.segments?.note).toContain("split at 1 graph break");
    expect(r.graph?.segments?.planRuns).toBeGreaterThan(0);
    expect(r.graph?.parity[0]?.maxAbsDiff).toBe(0);
    expect(r.graph?.graphCount).toBe(2);
    const b = r.graph?.breaks[0];
    expect(b?.how).toBe("item");
    expect(b?.location?.file).toBe(path.join(examples, "branching.ts"));
    expect(b?.tensor).toBe("mean");
  });
});

describe("runModel: errors point at the user's line", () => {
  it("reports a shape mismatch with the op, both shapes and the calling line", async () => {
    const e = failed(await runModel({ file: path.join(models, "shape_mismatch.ts") }));
    expect(e.kind).toBe("shape");
    expect(e.op).toBe("linear");
    expect(e.message).toContain("[8,1024] x [10,512]");
    expect(e.location).toEqual({ file: path.join(models, "shape_mismatch.ts"), line: 9, column: 17 });
  });

  it("reports matmul shapes like matmul: [8,784] x [1024,10] at model.ts:7:14", async () => {
    const e = failed(await runModel({ file: path.join(models, "matmul_mismatch.ts") }));
    expect(e.message).toMatch(/^matmul: \[8,784\] x \[1024,10\]/);
    expect(e.location).toMatchObject({ line: 7, column: 14 });
  });

  it("reports a syntax error at its line and column without running anything", async () => {
    const e = failed(await runModel({ file: path.join(models, "syntax_error.ts") }));
    expect(e.kind).toBe("syntax");
    expect(e.message).toContain('Expected ")"');
    expect(e.location).toEqual({ file: path.join(models, "syntax_error.ts"), line: 7, column: 21 });
  });

  it("says a model file that is not there does not exist", async () => {
    const file = path.join(models, "missing.ts");
    const e = failed(await runModel({ file, typecheck: false }));
    expect(e).toMatchObject({ kind: "syntax", message: `model file ${file} does not exist`, location: null });
  });

  it("refuses imports other than tandem and relative files", async () => {
    const e = failed(await runModel({ file: path.join(models, "bad_import.ts") }));
    expect(e.kind).toBe("syntax");
    expect(e.message).toContain('"node:fs"');
    expect(e.location?.line).toBe(1);
  });

  it("reports an exception thrown by user code with the user's stack and the logs before it", async () => {
    const outcome = await runModel({ file: path.join(models, "throws.ts") });
    const e = failed(outcome);
    expect(e.kind).toBe("runtime");
    expect(e.message).toBe("Error: expected a 3-D input, got 2-D");
    expect(e.location).toMatchObject({ line: 4, column: 28 });
    expect(e.stack[0]).toContain("check");
    expect(e.stack[1]).toMatch(/Picky\.forward .*throws\.ts:10:5/);
    expect(!outcome.ok && outcome.logs.some((l) => l.text.startsWith("checking"))).toBe(true);
  });

  it("explains a missing default export and a malformed inputs export", async () => {
    const noDefault = failed(await runModel({ file: path.join(models, "no_default.ts") }));
    expect(noDefault.kind).toBe("export");
    expect(noDefault.message).toContain("no default export");
    const badInputs = failed(await runModel({ file: path.join(models, "bad_inputs.ts") }));
    expect(badInputs.kind).toBe("export");
    expect(badInputs.message).toContain("inputs.x");
    expect(badInputs.location).toMatchObject({ line: 9, column: 1 });
  });
});

describe("runModel: the caller survives a broken worker", () => {
  it("stops an infinite loop at the time limit, then runs the next job", async () => {
    const start = Date.now();
    // A limit of a few seconds leaves the watchdog (which reports shortly before it) room on a
    // loaded machine; the bound below only catches a worker that is never stopped.
    const e = failed(await runModel({ file: path.join(models, "infinite_loop.ts"), timeoutMs: 4000 }));
    expect(e.kind).toBe("timeout");
    expect(e.message).toContain("4 s");
    expect(Date.now() - start).toBeLessThan(45_000);
    // Where it was stuck, from the worker's watchdog thread: the loop in forward.
    expect(e.location).toMatchObject({ file: path.join(models, "infinite_loop.ts"), line: 6 });
    expect(e.message).toMatch(/stopped while in Spins\.forward/);
    ok(await runModel({ file: path.join(examples, "mlp.ts"), repeat: 0 }));
  });

  it("still lists the type errors of a run that timed out (its worker never got to the check)", async () => {
    const source = ["import { nn, Tensor } from \"tandem\";", "export default class Spins extends nn.Module {", "  forward(x: Tensor): Tensor {", "    const n: number = x;", "    while (x.dim() > 0) n;", "    return x;", "  }", "}", "export const inputs = { x: [2, 2] };", ""].join("\n");
    const outcome = await runModel({ file: path.join(models, "typed_loop.ts"), source, timeoutMs: 1500 });
    if (outcome.ok) throw new Error("expected the run to time out");
    expect(outcome.error.kind).toBe("timeout");
    expect(outcome.diagnostics.find((d) => d.severity === "error")).toMatchObject({ code: "TS2322", location: { line: 4 } });
  });

  it("reports a worker that runs out of memory", async () => {
    const e = failed(await runModel({ file: path.join(models, "out_of_memory.ts"), timeoutMs: 30_000 }, { maxOldSpaceMb: 96 }));
    expect(e.kind).toBe("oom");
    expect(e.message).toContain("96 MB");
  });

  it("reports a worker that exits in the middle of a run", async () => {
    const e = failed(await runModel({ file: path.join(models, "crashes.ts") }));
    expect(e.kind).toBe("crash");
    expect(e.message).toContain("exit code 7");
  });

  it("reports a backend that cannot run here instead of falling back silently", async () => {
    const e = failed(await runModel({ file: path.join(examples, "mlp.ts"), backend: "node" }));
    expect(e.kind).toBe("backend");
    expect(e.message).toContain("@tensorflow/tfjs-node");
  });
});

describe("runModel: model code is contained", () => {
  it("gives the worker a minimal environment: no TANDEM_TOKEN or other secrets of the parent", async () => {
    const saved = { token: process.env.TANDEM_TOKEN, secret: process.env.SOME_CLOUD_SECRET };
    process.env.TANDEM_TOKEN = "parent-token";
    process.env.SOME_CLOUD_SECRET = "parent-secret";
    try {
      const r = ok(await runModel({ file: path.join(models, "reads_environment.ts"), typecheck: false, repeat: 0 }));
      const line = r.logs.find((e) => e.level === "log")?.text ?? "";
      expect(line).toMatch(/^token=none names=/);
      const names = line.replace(/^token=none names=/, "").split(",");
      expect(names).not.toContain("SOME_CLOUD_SECRET");
      expect(names).toContain("PATH"); // what Node and the backends need still gets through
    } finally {
      if (saved.token === undefined) delete process.env.TANDEM_TOKEN;
      else process.env.TANDEM_TOKEN = saved.token;
      if (saved.secret === undefined) delete process.env.SOME_CLOUD_SECRET;
      else process.env.SOME_CLOUD_SECRET = saved.secret;
    }
  });

  it("refuses an import from outside the model's folder at the import's line, and bundles those inside it", async () => {
    const folder = path.join(models, "escapes", "model");
    const e = failed(await runModel({ file: path.join(folder, "model.ts"), typecheck: false }));
    expect(e.kind).toBe("syntax");
    expect(e.message).toBe(
      `model.ts imports ../outside, which is outside the model's folder (${folder}): a model may import only "tandem" and files in its own folder`,
    );
    expect(e.location).toEqual({ file: path.join(folder, "model.ts"), line: 3, column: 24 });
    const r = ok(await runModel({ file: path.join(folder, "stays_inside.ts"), typecheck: false, repeat: 0 }));
    expect(r.outputs[0]?.shape).toEqual([2, 2]);
  });
});
