/**
 * Forward latency of an example model file, loaded the way a user writes it (`from "tandem"`).
 * tsx honours tsconfig's `paths`, so "tandem" resolves to engine/api/index.ts and the model shares
 * this process's module instance (and so the backend we select).
 */
import * as tf from "@tensorflow/tfjs-core";
import { fileURLToPath } from "node:url";
import * as T from "../engine/api";
import { type Block, measureInterleaved } from "../engine/measure/timer";
import { type Summary, summarize } from "./stats";
import { type BlockPlan, measurePlan } from "./timer";

export const MLP_FILE = new URL("../assets/examples/mlp.ts", import.meta.url);

/** The exports every example model file has. */
export interface ModelFile {
  Model: new () => T.nn.Module;
  inputs: Record<string, number[]>;
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d) && d > 0);
}

export async function loadModelFile(url: URL): Promise<ModelFile> {
  const mod = (await import(url.href)) as { default?: unknown; inputs?: unknown };
  const Model = mod.default;
  if (typeof Model !== "function" || !(Model.prototype instanceof T.nn.Module)) {
    // Also catches "tandem" resolving to a second copy of the API, where instanceof would fail.
    throw new Error(`${fileURLToPath(url)}: default export is not an nn.Module subclass of this process's tandem`);
  }
  const inputs = mod.inputs;
  if (typeof inputs !== "object" || inputs === null || !Object.values(inputs).every(isShape)) {
    throw new Error(`${fileURLToPath(url)}: \`inputs\` must map names to shapes, e.g. { x: [8, 784] }`);
  }
  return { Model: Model as new () => T.nn.Module, inputs: inputs as Record<string, number[]> };
}

export interface LatencyResult {
  file: string;
  inputs: Record<string, number[]>;
  /** Parameter count and output shape: checked against the torch peer to confirm the same model. */
  parameters: number;
  outputShape: number[];
  callsPerBlock: number;
  /** Per-forward latency, ms. */
  ms: Summary;
}

/** Measures on whatever backend is active; the caller switches backends. */
export async function measureModelLatency(file: ModelFile, fileLabel: string, plan: BlockPlan): Promise<LatencyResult> {
  // Same seed on every backend, so each one runs identical weights and inputs.
  T.manual_seed(0);
  const model = new file.Model().eval();
  const args = Object.values(file.inputs).map((shape) => T.randn(shape));
  // A Module is callable (`model(x)`), but its declared signature is the base class's `never[]`.
  const forward = model as unknown as (...a: T.Tensor[]) => unknown;

  const parameters = model.parameters().reduce((n, p) => n + p.numel(), 0);
  tf.engine().startScope();
  const out = forward(...args);
  const outputShape = out instanceof T.Tensor ? [...out.shape] : null;
  tf.engine().endScope();
  if (outputShape === null) throw new Error(`${fileLabel}: forward did not return a Tensor`);

  // One scope per block frees every intermediate; nothing is read back because tfjs's wasm and cpu
  // kernels run synchronously, so the forward's work is done when the call returns.
  const block: Block = (calls) => {
    tf.engine().startScope();
    for (let i = 0; i < calls; i++) forward(...args);
    tf.engine().endScope();
  };
  // The warm-up (before calibration) also moves Linear weights into their kernel layout and gets V8
  // to optimise the path, which would otherwise make calibration pick too few calls per block.
  const measured = await measureInterleaved([{ name: "forward", block }], measurePlan(plan));
  for (const a of args) a.raw.dispose();
  return { file: fileLabel, inputs: file.inputs, parameters, outputShape, callsPerBlock: measured.callsPerBlock[0] ?? 1, ms: summarize(measured.samples[0] ?? []) };
}
