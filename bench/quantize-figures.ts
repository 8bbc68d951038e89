/**
 * Float vs dynamic-int8 ONNX export of the MLP and transformer examples: file size, the ops
 * onnxruntime actually ran (after its fusions), and warm latency, interleaved A/B.
 * Run: npx tsx bench/quantize-figures.ts [reps]. Numbers are this machine's, printed with its CPU;
 * the two cores are shared, so medians are the figure to read, not tails.
 */
import os from "node:os";
import * as T from "../engine/api";
import { setBackend } from "../engine/eager/backend";
import { exportOnnx } from "../engine/graph/export/onnx-export";
import { runPasses } from "../engine/graph/passes";
import { trace } from "../engine/graph/tracer";
import { createSession, type FeedTensor } from "../engine/onnx/runtime";

const reps = Number(process.argv[2] ?? 300);
console.log(`${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, onnxruntime CPU provider`);
await setBackend("wasm");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] as number;

for (const name of ["mlp", "transformer_block"]) {
  const mod = (await import(`../assets/examples/${name}.ts`)) as { default: new () => T.nn.Module; inputs: Record<string, readonly number[] | { shape: number[]; high: number }> };
  T.manual_seed(0);
  const model = new mod.default();
  model.eval();
  const args = Object.values(mod.inputs).map((s) => ("shape" in s ? T.randint(0, s.high, s.shape) : T.randn([...s])));
  const traced = trace(model, args, Object.keys(mod.inputs));
  runPasses(traced.graph);
  const feeds: Record<string, FeedTensor> = Object.fromEntries(
    Object.keys(mod.inputs).map((n, i) => {
      const t = args[i] as T.Tensor;
      return [n, t.dtype === "int32" ? { dtype: "int32", shape: t.shape, data: t.raw.dataSync() as Int32Array } : { dtype: "float32", shape: t.shape, data: t.raw.dataSync() as Float32Array }];
    }),
  );
  const variants = (["none", "dynamic-int8"] as const).map((quantize) => ({ quantize, ex: exportOnnx(traced.graph, { producerVersion: "figures", quantize }) }));
  const sessions = await Promise.all(variants.map((v) => createSession(v.ex.bytes, { intraOpNumThreads: 1, graphOptimizationLevel: "all" })));
  // Which kernels ran, from a profiled session of the same file.
  for (const v of variants) {
    const s = await createSession(v.ex.bytes, { intraOpNumThreads: 1, enableProfiling: true });
    await s.run(feeds);
    const ops = new Map<string, number>();
    for (const e of await s.endProfiling()) if (e.opType && e.category === "Node" && /kernel_time/.test(e.name)) ops.set(e.opType, (ops.get(e.opType) ?? 0) + 1);
    await s.release();
    console.log(`${name} ${v.quantize}: file ${v.ex.bytes.byteLength} B, initializers ${v.ex.stats.initializerBytes} B; ran ${[...ops].map(([o, n]) => `${o}x${n}`).join(" ")}`);
  }
  const times: number[][] = [[], []];
  for (let i = 0; i < 30; i++) for (const s of sessions) await s.run(feeds); // warm-up
  for (let i = 0; i < reps; i++) {
    for (const [k, s] of sessions.entries()) {
      const t0 = performance.now();
      await s.run(feeds);
      times[k]?.push(performance.now() - t0);
    }
  }
  const [f, q] = times as [number[], number[]];
  console.log(`${name} latency (ORT CPU, 1 intra-op thread, opt all, n=${reps} each, interleaved): float median ${median(f).toFixed(3)} ms p90 ${p90(f).toFixed(3)} | int8 median ${median(q).toFixed(3)} ms p90 ${p90(q).toFixed(3)} | int8/float ${(median(q) / median(f)).toFixed(2)}`);
  for (const s of sessions) await s.release();
  traced.graph.dispose();
}
