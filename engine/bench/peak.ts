/**
 * The machine's matmul peak, as each runtime reaches it: n×n float32 matmuls (512 and 1024) on the
 * tfjs-wasm backend and in onnxruntime (one thread and every core), 2·n³ FLOPs each. It is what a
 * model's GFLOP/s is shown against (% of peak), so it is measured with the same blocked timing,
 * on the same kernels, not taken from a datasheet.
 */
import * as tf from "@tensorflow/tfjs-core";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BenchVariant, type Missing, PeakResult } from "../../shared/bench";
import { OnnxBuilder } from "../onnx/builder";
import { createSession } from "../onnx/runtime";
import { cpuModel, packageVersion } from "./provenance";
import { summarize } from "../measure/stats";
import { type MeasurePlan, measureInterleaved } from "../measure/timer";

export const PEAK_SIZES = [512, 1024];
const PLAN: MeasurePlan = { warmupMs: 200, minTimeMs: 400, maxTimeMs: 1200, minBlocks: 5, maxBlocks: 1000, targetRelCi: 0.02 };

/** Where the peak is cached: TANDEM_CACHE, else XDG_CACHE_HOME/tandem, else ~/.cache/tandem (as engine/check/cache.ts). */
export function defaultPeakCache(): string {
  const base = process.env.TANDEM_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "tandem");
  return path.join(base, "peak.json");
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

function matmulModel(n: number): Uint8Array {
  const b = new OnnxBuilder({ opset: 17, producerName: "tandem-peak" });
  b.input("a", "float32", [n, n]);
  b.initializer("b", "float32", [n, n], random(n * n));
  b.op("MatMul", ["a", "b"], {}, { output: "c" });
  b.output("c", "float32", [n, n]);
  return b.toBytes();
}

export interface PeakOptions {
  /** onnxruntime thread counts to measure; the default is 1 and every core. */
  ortThreads?: number[];
  /** Measure tfjs too (only meaningful on the wasm backend, which eager and graph:tfjs use). */
  tfjs?: boolean;
  shouldStop?: () => boolean;
  onStep?: (what: string) => void;
}

/** Measures on the active tfjs backend (the caller sets wasm) and in onnxruntime. */
export async function measurePeak(options: PeakOptions = {}): Promise<PeakResult> {
  const entries: PeakResult["entries"] = [];
  const stop = options.shouldStop ?? (() => false);
  const gflops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);
  for (const n of options.tfjs === false ? [] : PEAK_SIZES) {
    if (stop()) break;
    options.onStep?.(`${tf.getBackend()} matmul ${n}x${n}`);
    const a = tf.tensor2d(random(n * n), [n, n]);
    const b = tf.tensor2d(random(n * n), [n, n]);
    const m = await measureInterleaved([{ name: "tfjs", block: (calls) => { for (let i = 0; i < calls; i++) tf.matMul(a, b).dispose(); } }], PLAN, { shouldStop: stop });
    a.dispose();
    b.dispose();
    const s = m.samples[0] ?? [];
    if (s.length) entries.push({ runtime: "tfjs-wasm", threads: 1, size: n, ms: summarize(s).median, gflops: gflops(n, summarize(s).median) });
  }
  const threads = options.ortThreads ?? [...new Set([1, os.cpus().length])];
  for (const t of threads) {
    for (const n of PEAK_SIZES) {
      if (stop()) break;
      options.onStep?.(`onnxruntime matmul ${n}x${n}, ${t} thread${t > 1 ? "s" : ""}`);
      const session = await createSession(matmulModel(n), { intraOpNumThreads: t, interOpNumThreads: 1 });
      const feeds = { a: { dtype: "float32" as const, shape: [n, n], data: random(n * n) } };
      try {
        const m = await measureInterleaved([{ name: "ort", block: async (calls) => { for (let i = 0; i < calls; i++) await session.run(feeds); } }], PLAN, { shouldStop: stop });
        const s = m.samples[0] ?? [];
        if (s.length) entries.push({ runtime: "onnxruntime", threads: t, size: n, ms: summarize(s).median, gflops: gflops(n, summarize(s).median) });
      } finally {
        await session.release();
      }
    }
  }
  return {
    cpu: cpuModel(),
    time: new Date().toISOString(),
    versions: { tfjs: packageVersion("@tensorflow/tfjs-backend-wasm") ?? "?", onnxruntime: packageVersion("onnxruntime-node") ?? "?" },
    entries,
  };
}

/** The cached peak, when it was measured on this CPU with these library versions. */
export function readPeakCache(file: string): PeakResult | Missing {
  const advice = "run `tandem bench --peak` once to measure it";
  if (!existsSync(file)) return { missing: `no matmul peak measured on this machine yet: ${advice}` };
  try {
    const peak = PeakResult.parse(JSON.parse(readFileSync(file, "utf8")));
    if (peak.cpu !== cpuModel()) return { missing: `the cached peak is for another CPU (${peak.cpu}): ${advice}` };
    const ort = packageVersion("onnxruntime-node") ?? "?";
    const tfjs = packageVersion("@tensorflow/tfjs-backend-wasm") ?? "?";
    if (peak.versions.onnxruntime !== ort || peak.versions.tfjs !== tfjs) return { missing: `the cached peak is for other library versions: ${advice}` };
    return peak;
  } catch (error) {
    return { missing: `unreadable peak cache ${file} (${error instanceof Error ? error.message : String(error)}): ${advice}` };
  }
}

export function writePeakCache(file: string, peak: PeakResult): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(peak, null, 2)}\n`);
  renameSync(temp, file);
}

/**
 * The peak a variant is compared with: tfjs-wasm's best for eager and graph:tfjs; for graph:ort
 * and ort-bare, onnxruntime's best with at most the variant's threads (t threads can always do
 * what fewer do, so a 2-thread peak measured below the 1-thread one, as on a busy machine, is not
 * taken as the ceiling).
 */
export function peakFor(peak: PeakResult | Missing, variant: Pick<BenchVariant, "mode" | "threads">): number | Missing {
  if ("missing" in peak) return peak;
  const runtime = variant.mode === "graph:ort" || variant.mode === "ort-bare" ? "onnxruntime" : "tfjs-wasm";
  const threads = runtime === "onnxruntime" ? variant.threads : 1;
  if (!peak.entries.some((e) => e.runtime === runtime && e.threads === threads)) return { missing: `no ${runtime} peak at ${threads} thread${threads > 1 ? "s" : ""} measured (run tandem bench --peak --threads ${threads})` };
  const best = Math.max(0, ...peak.entries.filter((e) => e.runtime === runtime && e.threads <= threads).map((e) => e.gflops));
  return best > 0 ? best : { missing: `no ${runtime} peak at ${threads} thread${threads > 1 ? "s" : ""} measured (run tandem bench --peak --threads ${threads})` };
}
