/**
 * The onnxruntime variants of a case: the optimized graph exported to ONNX once, then loaded at
 * each thread count as graph:ort (Tandem's session wrapper) and ort-bare (onnxruntime-node called
 * directly, the reference for Tandem's own overhead).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BenchRequest } from "../../shared/bench";
import type { Tensor } from "../api";
import { type ExportResult, exportOnnx } from "../graph/export/onnx-export";
import type { Graph } from "../graph/ir";
import type { FeedTensor } from "../onnx/host-tensor";
import { loadOrt } from "../onnx/ort";
import { type OnnxSession, createSession, detectExecutionProviders } from "../onnx/runtime";
import { TANDEM_VERSION } from "../model/provenance";
import { rssNow } from "../measure/memory";
import { ortProfile } from "./profile";
import { type CaseSetup, now, reason } from "./variant";

export type OrtMode = "graph:ort" | "ort-bare";

function feedsFor(names: readonly string[], args: readonly Tensor[]): Record<string, FeedTensor> {
  return Object.fromEntries(
    names.map((name, i) => {
      const t = args[i] as Tensor;
      const data = t.raw.dataSync();
      const feed: FeedTensor = t.dtype === "int32" ? { dtype: "int32", shape: t.rawShape, data: data as Int32Array } : t.dtype === "bool" ? { dtype: "bool", shape: t.rawShape, data: Uint8Array.from(data) } : { dtype: "float32", shape: t.rawShape, data: data as Float32Array };
      return [name, feed];
    }),
  );
}

/** Exports the graph to ONNX (timed as a cold cost), writing it to `onnxDir` when asked; null when it fails. */
export function exportForOrt(setup: CaseSetup, graph: Graph, ortModes: readonly OrtMode[], o: { modelName: string; batch: number | null; onnxDir: string | null }): ExportResult | null {
  setup.progress("setup", "exporting to ONNX");
  try {
    const start = now();
    const exported = exportOnnx(graph, { producerVersion: TANDEM_VERSION, graphName: o.modelName, metadata: { "tandem.version": TANDEM_VERSION } });
    setup.cold.exportMs = now() - start;
    if (o.onnxDir) {
      mkdirSync(o.onnxDir, { recursive: true });
      writeFileSync(path.join(o.onnxDir, `${o.modelName}${o.batch === null ? "" : `-b${o.batch}`}.onnx`), exported.bytes);
    }
    return exported;
  } catch (error) {
    for (const m of ortModes) setup.missingModes.push({ mode: m, reason: `ONNX export failed: ${reason(error)}` });
    return null;
  }
}

/** Sets up graph:ort and/or ort-bare at each thread count, each session's creation and first run timed. */
export async function setupOrt(setup: CaseSetup, ex: ExportResult, graph: Graph, args: readonly Tensor[], o: { modes: ReadonlySet<string>; threads: readonly number[]; threadsAsked: BenchRequest["threads"] }): Promise<void> {
  const providers = await detectExecutionProviders();
  const provider = providers.find((p) => p.available && p.name !== "cpu")?.name ?? "cpu";
  const feeds = feedsFor(ex.inputNames, args);
  for (const t of o.threads) {
    const threadsNote = o.threadsAsked === "auto" ? "onnxruntime intra-op threads, tried by --threads auto" : "onnxruntime intra-op threads";
    if (o.modes.has("graph:ort")) {
      setup.progress("setup", `graph:ort: onnxruntime session, ${t} thread${t > 1 ? "s" : ""}`);
      const before = rssNow();
      try {
        const session: OnnxSession = await createSession(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1 });
        const first = now();
        await session.run(feeds);
        setup.cold.ortSessions.push({ threads: t, sessionMs: session.timings.createMs, firstRunMs: now() - first, bare: false });
        const name = `graph:ort@${t}t`;
        setup.prepared.push({
          name,
          mode: "graph:ort",
          threads: t,
          threadsNote,
          block: async (calls) => {
            for (let i = 0; i < calls; i++) await session.run(feeds);
          },
          setupBytes: rssNow() - before,
          profile: async (forwards) => {
            const profiling = await createSession(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1, enableProfiling: true });
            try {
              for (let i = 0; i <= forwards; i++) await profiling.run(feeds);
              return ortProfile(await profiling.endProfiling(), graph, ex.bytes, name);
            } finally {
              await profiling.release();
            }
          },
          dispose: () => session.release(),
        });
      } catch (error) {
        setup.missingModes.push({ mode: `graph:ort@${t}t`, reason: reason(error) });
      }
    }
    if (o.modes.has("ort-bare")) {
      setup.progress("setup", `ort-bare: onnxruntime-node session, ${t} thread${t > 1 ? "s" : ""}`);
      const before = rssNow();
      try {
        const ort = await loadOrt();
        const start = now();
        const session = await ort.InferenceSession.create(ex.bytes, { executionProviders: [provider], intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: "all" });
        const sessionMs = now() - start;
        const bareFeeds = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.dtype as "float32", f.data as Float32Array, [...f.shape])]));
        const first = now();
        await session.run(bareFeeds);
        setup.cold.ortSessions.push({ threads: t, sessionMs, firstRunMs: now() - first, bare: true });
        setup.prepared.push({
          name: `ort-bare@${t}t`,
          mode: "ort-bare",
          threads: t,
          threadsNote: "onnxruntime-node InferenceSession called directly, inputs made once",
          block: async (calls) => {
            for (let i = 0; i < calls; i++) await session.run(bareFeeds);
          },
          setupBytes: rssNow() - before,
          dispose: () => session.release(),
        });
      } catch (error) {
        setup.missingModes.push({ mode: `ort-bare@${t}t`, reason: reason(error) });
      }
    }
  }
}
