/** Run outcomes made up for store tests: shaped like the worker's, with the numbers the test wants. */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunOutcome } from "../../../shared/run";

export function tempHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), "tandem-home-"));
}

export interface FakeRun {
  warmMs?: number | null;
  coldMs?: number;
  backend?: "wasm" | "cpu";
  seed?: number;
  sum?: number;
  sha256?: string;
  sourceHash?: string;
  samplesMs?: number[];
  time?: string;
}

export function okOutcome(o: FakeRun = {}): RunOutcome {
  const timings = {
    compileMs: 40,
    constructMs: 10,
    firstForwardMs: o.coldMs ?? 150,
    warmForwardMs: o.warmMs === undefined ? 12.5 : o.warmMs,
    p90ForwardMs: o.warmMs === undefined ? 13 : o.warmMs,
    warmRuns: o.warmMs === null ? 0 : 3,
    samplesMs: o.samplesMs ?? [],
  };
  // Cast: RunResult grows fields (graph, ...) that the store keeps but does not depend on.
  return {
    ok: true,
    result: {
      file: "/models/mlp.ts",
      sourceHash: o.sourceHash ?? "a".repeat(64),
      mode: "eager",
      backend: { name: o.backend ?? "wasm", package: `@tensorflow/tfjs-backend-${o.backend ?? "wasm"}`, version: "4.22.0", available: true, reason: null, features: o.backend === "cpu" ? {} : { simd: true } },
      seed: o.seed ?? 0,
      model: { className: "MLP", parameters: 235146, parameterBytes: 940584 },
      inputs: [{ name: "x", shape: [8, 784], dtype: "float32" }],
      outputs: [{ name: "output", shape: [8, 10], dtype: "float32", preview: [0.1, 0.2], sum: o.sum ?? 3.25, sha256: o.sha256 ?? "f".repeat(64), hasNaN: false, hasInf: false }],
      timings,
      memory: { source: "test", samples: 0, baselineBytes: 100e6, peakBytes: null },
      logs: [{ level: "log", text: "hello", location: { file: "/models/mlp.ts", line: 3, column: 5 } }],
      diagnostics: [],
      graph: null,
      provenance: { tandemVersion: "0.1.0", node: "v20.0.0", platform: "linux", cpu: "Test CPU (2 logical cores)", time: o.time ?? "2026-01-01T00:00:00.000Z" },
    },
  } as RunOutcome;
}

export function errorOutcome(): RunOutcome {
  return {
    ok: false,
    error: { kind: "shape", message: "matmul: [8,784] x [1024,10]", location: { file: "/models/bad.ts", line: 7, column: 14 }, stack: ["at forward (bad.ts:7:14)"], op: "matmul" },
    logs: [{ level: "warn", text: "about to fail", location: null }],
    diagnostics: [{ severity: "error", code: "TS2322", message: "nope", location: null }],
  };
}

export const MODEL_V1 = `import { nn, type Tensor } from "tandem";

export default class Net extends nn.Module {
  fc = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.fc(x);
  }
}

export const inputs = { x: [1, 4] };
`;

export const MODEL_V2 = MODEL_V1.replace("return this.fc(x);", "return this.fc(x).relu();");
