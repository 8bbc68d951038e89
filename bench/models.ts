/**
 * `npm run bench`, models part: `tandem bench` (the same worker job, engine/bench/) over the example
 * models at batch 1, with onnxruntime at 1 and 2 threads and onnxruntime-node called directly on
 * the same exported bytes (ort-bare, interleaved with the rest, so Tandem's own overhead on top of
 * onnxruntime is a ratio with a CI); then the same architectures in PyTorch (eager, jit.trace,
 * jit.trace + optimize_for_inference) at the same shapes and threads, and the ratios between them.
 */
import os from "node:os";
import path from "node:path";
import type { BenchCase, BenchResult, BenchVariant, Missing, PeakResult } from "../shared/bench";
import { bytes, formatPeak, ms, table } from "../engine/bench/format";
import { defaultPeakCache } from "../engine/bench/peak";
import { runBench } from "../engine/service/run-model";
import { type TorchModelsRequest, type TorchModelsResult, runTorchModels } from "./torch-peer";
import { ensureBuilt } from "../bin/build.mjs";

export const SUITE_BATCH = 1;
export const SUITE_THREADS = [1, 2];
const PLAN = { warmupS: 0.3, minTimeS: 2, maxTimeS: 5, targetRelCi: 0.01, minBlocks: 10 };

/** The examples, and how torch_peer.py builds the same architecture's input. */
type SuiteModel = { name: string; file: string; torchInput: (shape: number[]) => TorchModelsRequest["models"][number]["input"] };
export const SUITE_MODELS: SuiteModel[] = [
  { name: "mlp", file: "assets/examples/mlp.ts", torchInput: (shape) => ({ shape }) },
  { name: "resnet_cnn", file: "assets/examples/resnet_cnn.ts", torchInput: (shape) => ({ shape }) },
  { name: "transformer_block", file: "assets/examples/transformer_block.ts", torchInput: (shape) => ({ shape, dtype: "int64", high: 1000 }) },
];
/** `--resnet18`: ImageNet-sized, ~1.8 GFLOP per forward; its eager mode takes most of a second a call. */
export const RESNET18: SuiteModel = { name: "resnet18", file: "bench/models/resnet18.ts", torchInput: (shape) => ({ shape }) };

/** What the suite keeps of a bench result: everything but the raw samples and the RSS timeline. */
type Trimmed = Omit<BenchResult, "cases"> & { cases: (Omit<BenchCase, "variants" | "memory"> & { variants: Omit<BenchVariant, "samples">[]; memory: Omit<BenchCase["memory"], "timeline"> })[] };

export interface Comparison {
  model: string;
  threads: number;
  graphOrtMs: number | null;
  bareOrtMs: number | null;
  /** graph:ort / ort-bare, interleaved in one process: medians with a bootstrap CI, and minimums. */
  overOrtBare: { ratio: number; ci: [number, number]; minRatio: number } | Missing;
  /** Per torch variant: its median, and graph:ort's median and minimum over its (separate processes: no CI). */
  torch: { variant: string; ms: number; minMs: number; graphOrtOver: number | null; graphOrtOverByMin: number | null }[] | Missing;
}

export interface ModelsResults {
  batch: number;
  threads: number[];
  plan: typeof PLAN;
  peak: PeakResult | Missing;
  models: ({ name: string } & ({ status: "ok"; result: Trimmed } | { status: "missing"; reason: string }))[];
  torch: { threads: number; result: TorchModelsResult }[];
  comparisons: Comparison[];
}

function trim(r: BenchResult): Trimmed {
  return {
    ...r,
    cases: r.cases.map((c) => {
      const { timeline: _timeline, ...memory } = c.memory;
      return { ...c, memory, variants: c.variants.map(({ samples: _samples, ...v }) => v) };
    }),
  };
}

/** Where the exported files go: artifacts to re-run by hand, not results to keep in the repository. */
export const ONNX_DIR = path.join(os.tmpdir(), "tandem-bench-onnx");

export async function runModelsSuite(root: string, log: (line: string) => void, options: { resnet18?: boolean } = {}): Promise<ModelsResults> {
  const suite = options.resnet18 ? [...SUITE_MODELS, RESNET18] : SUITE_MODELS;
  const onnxDir = ONNX_DIR;
  await ensureBuilt(); // the benchmarks run in dist/worker.mjs, which runtime code only finds
  log("models: matmul peak (wasm, onnxruntime 1 and 2 threads)...");
  const peakOutcome = await runBench({ file: null, peak: true, threads: SUITE_THREADS, peakCache: defaultPeakCache() });
  const peak: PeakResult | Missing = peakOutcome.ok ? peakOutcome.peak : { missing: `peak measurement failed: ${peakOutcome.error.message}` };

  const models: ModelsResults["models"] = [];
  for (const m of suite) {
    log(`models: ${m.file} (eager, graph:tfjs, graph:ort and ort-bare at ${SUITE_THREADS.join(", ")} threads, batch ${SUITE_BATCH})...`);
    const outcome = await runBench({
      file: path.join(root, m.file),
      modes: ["eager", "graph:tfjs", "graph:ort", "ort-bare"],
      batches: [SUITE_BATCH],
      threads: SUITE_THREADS,
      backend: "wasm",
      peakCache: defaultPeakCache(),
      onnxDir,
      ...PLAN,
    });
    if (outcome.ok && outcome.result) models.push({ name: m.name, status: "ok", result: trim(outcome.result) });
    else models.push({ name: m.name, status: "missing", reason: outcome.ok ? "no result" : `${outcome.error.kind}: ${outcome.error.message}` });
  }

  const torch: ModelsResults["torch"] = [];
  for (const threads of SUITE_THREADS) {
    log(`models: torch peer, ${threads} thread${threads > 1 ? "s" : ""}...`);
    const specs = suite.flatMap((m) => {
      const r = models.find((x) => x.name === m.name);
      const shape = r?.status === "ok" ? r.result.cases[0]?.inputs[0]?.shape : undefined;
      return shape ? [{ name: m.name, input: m.torchInput(shape) }] : [];
    });
    const plan = { warmupMs: PLAN.warmupS * 1000, minTimeMs: PLAN.minTimeS * 1000, maxTimeMs: PLAN.maxTimeS * 1000, minBlocks: PLAN.minBlocks, maxBlocks: 100_000, targetRelCi: PLAN.targetRelCi };
    torch.push({ threads, result: runTorchModels({ threads, plan, models: specs }, 300_000) });
  }
  return { batch: SUITE_BATCH, threads: SUITE_THREADS, plan: PLAN, peak, models, torch, comparisons: compare(models, torch) };
}

function compare(models: ModelsResults["models"], torch: ModelsResults["torch"]): Comparison[] {
  const out: Comparison[] = [];
  for (const m of models) {
    if (m.status !== "ok") continue;
    const c = m.result.cases[0];
    if (!c) continue;
    for (const threads of SUITE_THREADS) {
      const ort = c.variants.find((v) => v.name === `graph:ort@${threads}t`);
      const bare = c.variants.find((v) => v.name === `ort-bare@${threads}t`);
      const ratio = c.ratios.find((r) => r.a === `graph:ort@${threads}t` && r.b === `ort-bare@${threads}t`);
      const peer = torch.find((t) => t.threads === threads)?.result;
      const tm = peer?.status === "ok" ? peer.models.find((x) => x.model === m.name) : undefined;
      out.push({
        model: m.name,
        threads,
        graphOrtMs: ort?.ms.median ?? null,
        bareOrtMs: bare?.ms.median ?? null,
        overOrtBare: ratio ? { ratio: ratio.ratio, ci: ratio.ci, minRatio: ratio.minRatio } : { missing: "graph:ort or ort-bare not measured" },
        torch:
          peer === undefined
            ? { missing: "torch peer not run" }
            : peer.status !== "ok"
              ? { missing: peer.reason }
              : tm
                ? tm.variants.map((v) => ({ variant: v.name, ms: v.median, minMs: v.min, graphOrtOver: ort ? ort.ms.median / v.median : null, graphOrtOverByMin: ort ? ort.ms.min / v.min : null }))
                : { missing: `torch peer has no ${m.name}` },
      });
    }
  }
  return out;
}

const times = (x: number) => `${x.toFixed(2)}x`;
const isMissing = (v: unknown): v is Missing => typeof v === "object" && v !== null && "missing" in v;
const show = <T>(v: T | Missing, f: (x: T) => string) => (isMissing(v) ? "—" : f(v));

export function renderModelsMarkdown(r: ModelsResults): string {
  const out: string[] = [`## Example models at batch ${r.batch} (tandem bench, ${r.plan.minTimeS}–${r.plan.maxTimeS} s per model, all variants interleaved in one worker)`, ""];
  out.push(formatPeak(r.peak, "md"), "");
  const rows: string[][] = [];
  const cold: string[][] = [];
  const mem: string[][] = [];
  const tops: string[] = [];
  for (const m of r.models) {
    if (m.status !== "ok") {
      rows.push([m.name, `missing: ${m.reason}`, ...Array<string>(9).fill("")]);
      continue;
    }
    const c = m.result.cases[0];
    if (!c) continue;
    for (const v of c.variants) {
      const vm = c.memory.variants.find((x) => x.name === v.name);
      rows.push([m.name, v.name, ms(v.ms.median), `${ms(v.ms.medianCi[0])}–${ms(v.ms.medianCi[1])}`, ms(v.ms.p90), ms(v.ms.min), `${(v.ms.iqrOverMedian * 100).toFixed(0)}%`, String(v.ms.n), show(v.gflops, (g) => g.toFixed(2)), show(v.pctOfPeak, (p) => `${p.toFixed(1)}%`), vm ? show(vm.peakRiseBytes, bytes) : "—"]);
    }
    for (const miss of c.missing) rows.push([m.name, miss.mode, `missing: ${miss.reason}`, ...Array<string>(8).fill("")]);
    const k = c.cold;
    const num = (v: number | Missing) => show(v, ms);
    const sessions = k.ortSessions.filter((s) => !s.bare).map((s) => `${ms(s.sessionMs)} (${s.threads}t)`).join(", ");
    cold.push([m.name, ms(k.compileMs), ms(k.constructMs), num(k.eagerFirstRunMs), num(k.traceMs), num(k.passesMs), num(k.planCompileMs), num(k.planFirstRunMs), num(k.exportMs), sessions]);
    const lib = (mode: string) => c.memory.library.find((l) => l.mode === mode);
    const eagerLib = lib("eager");
    const planLib = lib("graph:tfjs");
    const setup = (name: string) => c.memory.variants.find((v) => v.name === name)?.setupBytes;
    mem.push([
      m.name,
      show(c.memory.peakBytes, bytes),
      eagerLib ? show(eagerLib.activationPeakBytes, bytes) : "—",
      planLib ? show(planLib.activationPeakBytes, bytes) : "—",
      setup("graph:tfjs") === undefined ? "—" : show(setup("graph:tfjs") as number | Missing, bytes),
      setup("graph:ort@1t") === undefined ? "—" : show(setup("graph:ort@1t") as number | Missing, bytes),
      show(m.result.rss.peakBytes, bytes),
      m.result.independentRss && !isMissing(m.result.independentRss) ? bytes(m.result.independentRss.peakBytes) : "—",
      m.result.independentRss && !isMissing(m.result.independentRss) && !isMissing(m.result.rss.peakBytes) ? `${(((m.result.rss.peakBytes - m.result.independentRss.peakBytes) / m.result.independentRss.peakBytes) * 100).toFixed(1)}%` : "—",
    ]);
    for (const p of c.profiles) {
      const top = p.byOp.slice(0, 3).map((o) => `${o.key} ${o.pct.toFixed(0)}%`).join(", ");
      tops.push(`- ${m.name}, ${p.variant}: ${top} (profiled ${ms(p.profiledMsPerForward)} ms/forward)`);
    }
  }
  out.push(table(["model", "variant", "median ms", "95% CI", "p90", "min", "IQR/med", "n", "GFLOP/s", "% peak", "RSS rise in a block"], rows, "md", 2), "");

  out.push("### graph:ort against bare onnxruntime-node and PyTorch (same shapes, same threads)", "");
  const torchHeader = ["eager", "jit.trace", "jit.trace+optimize_for_inference"];
  const cmp = r.comparisons.map((c) => {
    const t = isMissing(c.torch) ? null : c.torch;
    const cell = (name: string) => {
      const v = t?.find((x) => x.variant === name);
      return v ? `${ms(v.ms)} (${v.graphOrtOver === null ? "—" : times(v.graphOrtOver)}; mins ${v.graphOrtOverByMin === null ? "—" : times(v.graphOrtOverByMin)})` : "—";
    };
    return [c.model, String(c.threads), c.graphOrtMs === null ? "—" : ms(c.graphOrtMs), c.bareOrtMs === null ? "—" : ms(c.bareOrtMs), show(c.overOrtBare, (x) => `${times(x.ratio)} [${times(x.ci[0])}, ${times(x.ci[1])}]`), show(c.overOrtBare, (x) => times(x.minRatio)), ...torchHeader.map(cell)];
  });
  out.push(table(["model", "threads", "graph:ort ms", "ort-bare ms", "graph:ort / ort-bare, medians [95% CI]", "of minimums", ...torchHeader.map((h) => `torch ${h}: median ms (graph:ort / it, of medians; of minimums)`)], cmp, "md", 1), "");
  for (const t of r.torch) {
    if (t.result.status !== "ok") out.push(`- torch peer, ${t.threads} thread(s): missing: ${t.result.reason}`);
    else {
      const x = t.result;
      out.push(`- torch ${x.torch} (python ${x.python}), ${x.threads} thread(s), ${x.cpuCapability ?? "?"} kernels, OpenBLAS core ${x.openblasCore ?? "?"}, OPENBLAS_CORETYPE=${x.env.OPENBLAS_CORETYPE ?? "unset"}${x.openblasNote ? ` (${x.openblasNote})` : ""}; models: ${x.models.map((mm) => `${mm.model} ${mm.parameters} params, ${mm.rounds} rounds (${mm.stopReason})`).join("; ")}`);
    }
  }
  out.push("", `graph:ort / ort-bare are interleaved in one worker on the same exported bytes (written to ${ONNX_DIR}); torch runs in its own process afterwards, so ratios against it also carry any change in machine load.`, "");

  out.push("### Cold costs (ms)", "");
  out.push(table(["model", "compile", "construct", "eager first run", "trace", "passes", "plan compile", "plan first run", "ONNX export", "ort session"], cold, "md"), "");
  out.push("### Memory", "");
  out.push(table(["model", "peak RSS while measuring", "tfjs activations eager", "tfjs activations graph:tfjs", "graph:tfjs set-up RSS", "graph:ort@1t set-up RSS", "worker peak RSS (sampler)", "parent VmRSS peak", "difference"], mem, "md"), "");
  out.push("### Top ops per variant", "", ...tops, "");
  return out.join("\n");
}
