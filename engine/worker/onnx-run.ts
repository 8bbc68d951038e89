import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ExportSummary, Parity } from "../../shared/graph";
import type { Quantize } from "../../shared/run";
import type { Tensor } from "../api";
import { type ExportResult, exportOnnx } from "../graph/export/onnx-export";
import { randomSourcesOfOutputs } from "../graph/random-sources";
import type { TraceResult } from "../graph/tracer";
import type { FeedTensor, HostTensor } from "../onnx/host-tensor";
import { checkModelWithPython, pythonOnnxUnavailableReason } from "../onnx/python-checker";
import { type OnnxSession, createSession, detectExecutionProviders } from "../onnx/runtime";
import type { ExecutionContext } from "./execution";
import type { GraphRunner } from "./graph-runner";
import { provenance } from "../model/provenance";
import { DEFAULT_TOLERANCE, parityOfValues, QUANTIZED_TOLERANCE, withinTolerance } from "../model/parity";
import { summarizeValues } from "./summarize";

function exportGraph(traced: TraceResult, ctx: ExecutionContext, opset = 17, dynamicBatch = false, quantize: Quantize = "none"): ExportResult {
  return exportOnnx(traced.graph, {
    opset,
    dynamicBatch,
    quantize,
    producerVersion: provenance().tandemVersion,
    graphName: ctx.model.constructor.name,
    metadata: { "tandem.version": provenance().tandemVersion, "tandem.source_hash": ctx.sourceHash, "tandem.seed": String(ctx.request.seed) },
  });
}

function feedsFor(ex: ExportResult, args: readonly Tensor[]): Record<string, FeedTensor> {
  return Object.fromEntries(
    ex.inputNames.map((name, i) => {
      const t = args[i] as Tensor;
      const data = t.raw.dataSync();
      const feed: FeedTensor =
        t.dtype === "int32" ? { dtype: "int32", shape: t.rawShape, data: data as Int32Array } : t.dtype === "bool" ? { dtype: "bool", shape: t.rawShape, data: Uint8Array.from(data) } : { dtype: "float32", shape: t.rawShape, data: data as Float32Array };
      return [name, feed];
    }),
  );
}

function hostParity(name: string, got: HostTensor, expected: Tensor): Parity {
  const values = got.dtype === "int64" ? Float64Array.from(got.data, Number) : got.data;
  return parityOfValues(name, got.shape, values as ArrayLike<number>, expected.raw.dataSync());
}

/** onnxruntime's outputs against eager's; those that depend on random ops are marked as not comparable. */
function paritiesOf(ex: ExportResult, traced: TraceResult, out: Record<string, HostTensor>): Parity[] {
  const random = randomSourcesOfOutputs(traced.graph);
  return ex.outputs.map((o, i) => {
    const p = hostParity(o.tandem, out[o.onnx] as HostTensor, (traced.eagerOutputs[i] as [string, Tensor])[1]);
    const sources = random[i];
    return sources ? { ...p, notCompared: `depends on random ops (${sources}), which onnxruntime draws from its own generator` } : p;
  });
}

async function paritiesInOrt(ex: ExportResult, traced: TraceResult, args: readonly Tensor[]): Promise<Parity[]> {
  const session = await createSession(ex.bytes, { intraOpNumThreads: 1 });
  try {
    return paritiesOf(ex, traced, await session.run(feedsFor(ex, args)));
  } finally {
    await session.release();
  }
}

/** tandem export: writes the ONNX file, then checks it with the official checker and in onnxruntime. */
export async function exportAndCheck(traced: TraceResult, ctx: ExecutionContext): Promise<ExportSummary> {
  const options = ctx.request.export;
  if (!options) throw new Error("no export was requested");
  const ex = exportGraph(traced, ctx, options.opset, options.dynamicBatch, options.quantize);
  const file = path.resolve(options.path);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, ex.bytes);
  const unavailable = pythonOnnxUnavailableReason();
  const check = unavailable ? null : checkModelWithPython(ex.bytes);
  // A quantized file is not bit-exact: it is judged by int8 rounding's tolerance, not float32's.
  const tolerance = ex.quantization ? QUANTIZED_TOLERANCE : DEFAULT_TOLERANCE;
  let onnxruntime: ExportSummary["onnxruntime"];
  try {
    const parities = await paritiesInOrt(ex, traced, ctx.args);
    onnxruntime = { ok: true, error: null, parity: parities, tolerance, withinTolerance: parities.every((p) => withinTolerance(p, tolerance)) };
  } catch (error) {
    onnxruntime = { ok: false, error: error instanceof Error ? error.message : String(error), parity: [], tolerance, withinTolerance: null };
  }
  return {
    path: file,
    bytes: ex.bytes.byteLength,
    opset: options.opset,
    irVersion: 8,
    dynamicBatch: options.dynamicBatch,
    nodes: ex.stats.nodes,
    initializers: ex.stats.initializers,
    initializerBytes: ex.stats.initializerBytes,
    opTypes: ex.stats.opTypes,
    inputNames: ex.inputNames,
    outputs: ex.outputs,
    checker: check === null ? { skipped: unavailable ?? "unavailable" } : check.ok ? { ok: true, error: null } : { ok: false, error: check.error },
    onnxruntime,
    quantization: ex.quantization,
  };
}

/** graph:ort: the optimized graph exported in memory and run by onnxruntime; the export is the compile time. */
export function ortRunner(traced: TraceResult, ctx: ExecutionContext): GraphRunner {
  const settings = ctx.request.ort;
  let opened: { ex: ExportResult; session: OnnxSession; feeds: Record<string, FeedTensor>; provider: string } | null = null;
  const ready = () => {
    if (!opened) throw new Error("the onnxruntime runner was not prepared");
    return opened;
  };
  return {
    async prepare() {
      const compileStart = performance.now();
      const ex = exportGraph(traced, ctx);
      const compileMs = performance.now() - compileStart;
      // The first provider that can run here, GPU ones first (CUDA where present, else the CPU).
      const providers = await detectExecutionProviders();
      const provider = providers.find((p) => p.available && p.name !== "cpu")?.name ?? "cpu";
      const session = await createSession(ex.bytes, {
        executionProviders: [provider],
        graphOptimizationLevel: settings.optimizationLevel,
        intraOpNumThreads: settings.intraOpThreads,
        interOpNumThreads: settings.interOpThreads,
      });
      opened = { ex, session, feeds: feedsFor(ex, ctx.args), provider };
      return { compileMs };
    },
    async run() {
      const { ex, session, feeds } = ready();
      const out = await session.run(feeds);
      return {
        check: () => ({
          outputs: ex.outputs.map((o) => {
            const t = out[o.onnx] as HostTensor;
            const values = t.dtype === "int64" ? Int32Array.from(t.data, Number) : t.data;
            return summarizeValues(o.tandem, t.shape, t.dtype === "float32" ? "float32" : t.dtype === "bool" ? "bool" : "int32", values, ctx.request.previewValues);
          }),
          parity: paritiesOf(ex, traced, out),
        }),
        release: () => {}, // host arrays: the garbage collector frees them
      };
    },
    summary() {
      const { session, provider } = ready();
      const ort = {
        executionProvider: provider,
        version: onnxruntimeVersion(),
        optimizationLevel: settings.optimizationLevel,
        intraOpThreads: settings.intraOpThreads,
        interOpThreads: settings.interOpThreads,
        sessionMs: session.timings.createMs,
      };
      return { ort };
    },
    async dispose() {
      await opened?.session.release();
    },
  };
}

function onnxruntimeVersion(): string | null {
  try {
    return (JSON.parse(readPackage("onnxruntime-node")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

const readPackage = (name: string) => readFileSync(createRequire(import.meta.url).resolve(`${name}/package.json`), "utf8");
