/**
 * `tandem bench`: measures a model eagerly and as graphs in a worker (a `bench` job, engine/bench/), with a
 * progress bar on a terminal; Ctrl-C stops after the block in progress and prints what was
 * measured. Registered on the CLI by one call, registerBenchCommand(program).
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { BackendName } from "../../shared/backends";
import { BenchMode, type BenchProgress, type BenchRequestInput } from "../../shared/bench";
import type { ErrorKind } from "../../shared/run";
import { formatBench, formatPeak } from "../bench/format";
import { defaultPeakCache } from "../bench/peak";
import { runBench } from "../service/run-model";
import { formatError } from "./format";
import { saveBenchToSession } from "./sessions";

const MODEL_AT_FAULT: readonly ErrorKind[] = ["syntax", "export", "shape", "runtime", "timeout", "oom", "unsupported"];

const list = (value: string): string[] => value.split(",").map((s) => s.trim()).filter(Boolean);

function positiveInts(name: string) {
  return (value: string): number[] => {
    const items = list(value).map(Number);
    if (!items.length || !items.every((n) => Number.isInteger(n) && n > 0)) throw new InvalidArgumentError(`${name} must be a comma-separated list of positive integers`);
    return items;
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError("must be a number of seconds");
  return n;
}

function modes(value: string): BenchMode[] {
  return list(value).map((m) => {
    const parsed = BenchMode.safeParse(m);
    if (!parsed.success) throw new InvalidArgumentError(`unknown mode "${m}": choose from eager, graph:tfjs, graph:ort, ort-bare`);
    return parsed.data;
  });
}

function threads(value: string): number[] | "auto" {
  return value === "auto" ? "auto" : positiveInts("--threads")(value);
}

interface BenchFlags {
  modes: BenchMode[];
  batch?: number[];
  threads: number[] | "auto";
  warmup: number;
  minTime: number;
  maxTime: number;
  targetCi: number;
  backend: BackendName | "auto";
  seed: number;
  profile: boolean;
  peak?: boolean;
  json?: boolean;
  md?: boolean;
  top: number;
  timeout?: number;
  maxMemory: number;
  saveOnnx?: string;
  session?: string;
}

/** One line, redrawn in place: phase, a bar over the time budget, rounds so far. */
export function progressLine(p: BenchProgress, width = 24): string {
  const fraction = p.budgetMs > 0 ? Math.min(1, p.elapsedMs / p.budgetMs) : 0;
  const filled = Math.round(fraction * width);
  const bar = p.phase === "measure" || p.phase === "warm-up" ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(p.elapsedMs / 1000).toFixed(1)}/${(p.budgetMs / 1000).toFixed(0)} s` : "";
  const which = p.cases > 1 ? `batch ${p.caseIndex}/${p.cases} ` : "";
  const rounds = p.phase === "measure" ? ` ${p.rounds} rounds` : "";
  return `${which}${p.phase} ${bar}${rounds} ${p.detail}`.replace(/\s+/g, " ").trim();
}

export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("benchmark a model eagerly and as graphs: latency statistics, ratios with CIs, memory, FLOPs, per-op profiles")
    .argument("[model]", "model file (.ts); leave out with --peak to measure only the machine's matmul peak")
    .option("--modes <list>", "comma-separated: eager, graph:tfjs, graph:ort, ort-bare (onnxruntime-node called directly)", modes, ["eager", "graph:tfjs", "graph:ort"] as BenchMode[])
    .option("--batch <list>", "batch sizes: dim 0 of every input replaced by each (default: the model's `inputs`)", positiveInts("--batch"))
    .option("--threads <list|auto>", "onnxruntime intra-op threads to measure, or auto (each count up to the cores, fastest picked); tfjs-wasm is single-threaded", threads, [1])
    .option("--warmup <seconds>", "untimed running of every variant first", seconds, 0.5)
    .option("--min-time <seconds>", "measure at least this long per batch size", seconds, 1)
    .option("--max-time <seconds>", "measure at most this long per batch size", seconds, 10)
    .option("--target-ci <percent>", "stop once every median's 95% CI is within this % of it", seconds, 1)
    .addOption(new Option("--backend <name>", "tfjs backend for eager and graph:tfjs").choices(["auto", ...BackendName.options]).default("auto"))
    .option("--seed <n>", "seed for weights and example inputs", (v) => Number.parseInt(v, 10), 0)
    .option("--no-profile", "skip the per-op profiles")
    .option("--peak", "measure the machine's matmul peak (512² and 1024² float32 on wasm and onnxruntime) and keep it for later benches")
    .option("--top <n>", "rows per top-ops table", (v) => Number.parseInt(v, 10), 10)
    .option("--save-onnx <dir>", "write each batch size's exported ONNX file to this folder")
    .option("--timeout <seconds>", "kill the worker after this long (default: from the time budgets)", seconds)
    .option("--max-memory <MB>", "heap limit of the worker that runs the benchmark", (v) => Number.parseInt(v, 10), 4096)
    .option("--json", "print the result as JSON (shared/bench.ts BenchResult)")
    .option("--md", "print Markdown tables")
    .option("--session <name>", "save the result into this session (created if missing): one run per batch size and variant")
    .action(async (model: string | undefined, opts: BenchFlags) => {
      if (model === undefined && !opts.peak) {
        process.stderr.write("tandem bench: give a model file, or --peak to measure the machine's matmul peak\n");
        process.exitCode = 2;
        return;
      }
      const request: BenchRequestInput = {
        file: model ?? null,
        modes: opts.modes,
        batches: opts.batch ?? null,
        threads: opts.threads,
        backend: opts.backend,
        seed: opts.seed,
        warmupS: opts.warmup,
        minTimeS: opts.minTime,
        maxTimeS: Math.max(opts.maxTime, 0.001),
        targetRelCi: Math.max(opts.targetCi, 1e-6) / 100,
        profile: opts.profile,
        peak: !!opts.peak,
        peakCache: defaultPeakCache(),
        onnxDir: opts.saveOnnx ?? null,
        ...(opts.timeout ? { timeoutMs: Math.round(opts.timeout * 1000) } : {}),
      };

      // Ctrl-C: the first asks the worker to stop and report; a second one gives up on it.
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) {
          controller.abort();
          process.stderr.write("\nstopping after the block in progress; Ctrl-C again to quit without results\n");
        } else process.exit(130);
      };
      process.on("SIGINT", onSigint);
      const tty = process.stderr.isTTY === true;
      let lastDraw = 0;
      const onProgress = (p: BenchProgress) => {
        if (!tty) return;
        const t = Date.now();
        if (t - lastDraw < 100 && p.phase === "measure") return;
        lastDraw = t;
        const columns = process.stderr.columns || 100;
        process.stderr.write(`\r\x1b[2K${progressLine(p).slice(0, columns - 1)}`);
      };
      try {
        const outcome = await runBench(request, { onProgress, signal: controller.signal, maxOldSpaceMb: opts.maxMemory });
        if (tty) process.stderr.write("\r\x1b[2K");
        // Sessions (engine/cli/sessions.ts): with --session, the result is saved and gets run ids.
        const saved = opts.session !== undefined && model !== undefined ? await saveBenchToSession(opts.session, outcome, model) : null;
        const reportSaved = () => {
          if (saved && (saved.exitCode !== 0 || !opts.json)) (saved.exitCode === 0 ? process.stdout : process.stderr).write(`${saved.message}\n`);
        };
        if (!outcome.ok) {
          process.stderr.write(`${formatError(outcome.error, [])}\n`);
          reportSaved();
          process.exitCode = saved?.exitCode || (MODEL_AT_FAULT.includes(outcome.error.kind) ? 1 : 2);
          return;
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(outcome.result ? { ...outcome.result, ...(saved?.ref ? { saved: saved.ref } : {}) } : { peak: outcome.peak }, null, 2)}\n`);
        else {
          const style = opts.md ? "md" : "text";
          if (opts.peak) process.stdout.write(`${formatPeak(outcome.peak, style)}\n\n`);
          if (outcome.result) process.stdout.write(`${formatBench(outcome.result, style, opts.top)}\n`);
        }
        reportSaved();
        process.exitCode = saved?.exitCode || (outcome.result?.interrupted ? 130 : 0);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}
