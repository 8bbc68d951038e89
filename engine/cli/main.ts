import { Command, InvalidArgumentError, Option } from "commander";
import { existsSync } from "node:fs";
import { BackendName } from "../../shared/backends";
import type { ErrorKind } from "../../shared/run";
import { runModel, typecheckFile } from "../service/run-model";
import { TANDEM_VERSION } from "../model/provenance";
import { Quantize, RunMode, type RunRequestInput } from "../../shared/run";
import { formatDiagnostics, formatError, formatRun } from "./format";
import { registerCheckCommand } from "./check";
import { ModelFileError, checkModelFileFirst } from "./model-file";
import { formatExport, formatGraphExplain } from "./format-graph";
import { registerSessionCommands, saveRunToSession } from "./sessions";
import { registerBenchCommand } from "./bench";
import { registerOpsCommand } from "./ops";
import { registerServeCommand } from "../serve/command";

/** Exit codes: 0 success, 1 the user's model is at fault, 2 Tandem or the machine is. */
const EXIT_FOR: Record<ErrorKind, 1 | 2> = {
  syntax: 1,
  export: 1,
  shape: 1,
  runtime: 1,
  timeout: 1,
  oom: 1,
  unsupported: 1,
  crash: 2,
  backend: 2,
  internal: 2,
};

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

const list = (value: string): string[] => value.split(",").map((s) => s.trim()).filter(Boolean);

interface RunFlags {
  mode: RunMode | "graph";
  runner?: "tfjs" | "ort";
  backend: BackendName | "auto";
  seed: number;
  timeout: number;
  repeat: number;
  typecheck: boolean;
  maxMemory: number;
  passes?: string[];
  ortThreads?: number;
  ortOptLevel?: "disabled" | "basic" | "extended" | "all";
  json?: boolean;
}

/** The parts of a run request that `run` and `graph` share. */
function requestFrom(model: string, opts: RunFlags): RunRequestInput {
  return { file: model, backend: opts.backend, seed: opts.seed, timeoutMs: Math.round(opts.timeout * 1000), ...(opts.passes ? { passes: opts.passes } : {}) };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError("must be a positive number of seconds");
  return n;
}

const program = new Command()
  .name("tandem")
  .description("Run PyTorch-style TypeScript models eagerly and as optimized graphs, side by side")
  .version(TANDEM_VERSION)
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
checkModelFileFirst(program);

program
  .command("run")
  .description("run a model file once (cold) and a few times warm; print its outputs, time and logs")
  .argument("<model>", "model file (.ts) that default-exports an nn.Module and exports `inputs`")
  .addOption(
    new Option("--mode <mode>", "eager (op by op), graph:tfjs (traced, optimized, compiled plan), graph:ort (exported, onnxruntime), or graph with --runner")
      .choices([...RunMode.options, "graph"])
      .default("eager"),
  )
  .addOption(new Option("--runner <runner>", "with --mode graph: which runner").choices(["tfjs", "ort"]).default("tfjs"))
  .option("--passes <list>", "graph passes to run, comma-separated (default: the standard pipeline)", list)
  .option("--ort-threads <n>", "onnxruntime intra-op threads for graph:ort", integer("ort-threads", 1), 1)
  .addOption(new Option("--ort-opt-level <level>", "onnxruntime graph optimization level for graph:ort").choices(["disabled", "basic", "extended", "all"]).default("all"))
  .addOption(new Option("--backend <name>", "eager kernel backend").choices(["auto", ...BackendName.options]).default("auto"))
  .option("--seed <n>", "seed for weights and example inputs", integer("seed", 0), 0)
  .option("--timeout <seconds>", "stop the model after this long", seconds, 30)
  .option("--repeat <n>", "warm forward passes after the first", integer("repeat", 0), 3)
  .option("--no-typecheck", "skip the type check that runs beside the model")
  .option("--max-memory <MB>", "heap limit of the worker that runs the model", integer("max-memory", 64), 4096)
  .option("--json", "print one JSON object instead of text")
  .option("--session <name>", "save the outcome into this session (created if missing) and print the run id")
  .action(async (model: string, opts: RunFlags & { session?: string }) => {
    const mode: RunMode = opts.mode === "graph" ? `graph:${opts.runner ?? "tfjs"}` : opts.mode;
    const outcome = await runModel(
      {
        ...requestFrom(model, opts),
        mode,
        repeat: opts.repeat,
        typecheck: opts.typecheck,
        ort: { intraOpThreads: opts.ortThreads ?? 1, interOpThreads: 1, optimizationLevel: opts.ortOptLevel ?? "all" },
      },
      { maxOldSpaceMb: opts.maxMemory },
    );
    // Sessions (engine/cli/sessions.ts): with --session, the outcome is saved and gets a run id.
    const saved = opts.session === undefined ? null : await saveRunToSession(opts.session, outcome, { modelFile: model, request: { mode, backend: opts.backend, seed: opts.seed } });
    if (opts.json) process.stdout.write(`${JSON.stringify(saved?.ref ? { ...outcome, saved: saved.ref } : outcome, null, 2)}\n`);
    else if (outcome.ok) process.stdout.write(`${formatRun(outcome.result)}\n`);
    else process.stderr.write(`${formatError(outcome.error, outcome.logs, outcome.diagnostics)}\n`);
    if (saved && (saved.exitCode !== 0 || !opts.json)) (saved.exitCode === 0 ? process.stdout : process.stderr).write(`${saved.message}\n`);
    process.exitCode = saved?.exitCode || (outcome.ok ? 0 : EXIT_FOR[outcome.error.kind]);
  });

program
  .command("graph")
  .description("trace a model into a graph and print the IR before and after each optimization pass")
  .argument("<model>", "model file (.ts)")
  .option("--passes <list>", "passes to run, comma-separated (default: the standard pipeline)", list)
  .addOption(new Option("--backend <name>", "eager kernel backend used while tracing").choices(["auto", ...BackendName.options]).default("auto"))
  .option("--seed <n>", "seed for weights and example inputs", integer("seed", 0), 0)
  .option("--timeout <seconds>", "stop the model after this long", seconds, 30)
  .option("--max-memory <MB>", "heap limit of the worker that runs the model", integer("max-memory", 64), 4096)
  .option("--json", "print the graph summary (IR as JSON, passes, breaks) as JSON")
  .action(async (model: string, opts: RunFlags) => {
    const outcome = await runModel({ ...requestFrom(model, opts), mode: "graph:tfjs", repeat: 0, explain: true, typecheck: false }, { maxOldSpaceMb: opts.maxMemory });
    if (!outcome.ok) {
      process.stderr.write(`${formatError(outcome.error, outcome.logs, outcome.diagnostics)}\n`);
      process.exitCode = EXIT_FOR[outcome.error.kind];
      return;
    }
    const graph = outcome.result.graph;
    if (!graph) throw new Error("graph mode returned no graph summary");
    process.stdout.write(opts.json ? `${JSON.stringify(graph, null, 2)}\n` : `${formatGraphExplain(graph)}\n`);
  });

program
  .command("export")
  .description("trace and optimize a model, write it as ONNX, and check the file (official checker, onnxruntime parity)")
  .argument("<model>", "model file (.ts)")
  .requiredOption("-o, --output <file>", "where to write the .onnx file")
  .option("--opset <n>", "ONNX opset", integer("opset", 17), 17)
  .option("--dynamic-batch", "make dim 0 of inputs and outputs a symbolic batch dim")
  .addOption(new Option("--quantize <mode>", "dynamic-int8: int8 weights for MatMul/Gemm, activations quantized per call (onnxruntime's quantize_dynamic)").choices(Quantize.options).default("none"))
  .option("--passes <list>", "passes to run before exporting, comma-separated (default: the standard pipeline)", list)
  .addOption(new Option("--backend <name>", "eager kernel backend used while tracing").choices(["auto", ...BackendName.options]).default("auto"))
  .option("--seed <n>", "seed for weights and example inputs", integer("seed", 0), 0)
  .option("--timeout <seconds>", "stop the model after this long", seconds, 60)
  .option("--max-memory <MB>", "heap limit of the worker that runs the model", integer("max-memory", 64), 4096)
  .option("--json", "print the export summary as JSON")
  .option("--session <name>", "save the export into this session (created if missing), the ONNX file kept with it")
  .action(async (model: string, opts: RunFlags & { output: string; opset: number; dynamicBatch?: boolean; quantize: Quantize; session?: string }) => {
    const exportTo = { path: opts.output, opset: opts.opset, dynamicBatch: !!opts.dynamicBatch, quantize: opts.quantize };
    const request = { ...requestFrom(model, opts), mode: "graph:tfjs" as const, repeat: 0, typecheck: false, export: exportTo };
    const outcome = await runModel(request, { maxOldSpaceMb: opts.maxMemory });
    const summary = outcome.ok ? outcome.result.graph?.export : undefined;
    const onnx = summary && existsSync(summary.path) ? [{ name: "model.onnx", file: summary.path, mediaType: "application/octet-stream" }] : [];
    const saved = opts.session === undefined ? null : await saveRunToSession(opts.session, outcome, { modelFile: model, kind: "export", artifacts: onnx, request: { mode: "graph:tfjs", backend: opts.backend, seed: opts.seed } });
    const reportSaved = () => {
      if (saved && (saved.exitCode !== 0 || !opts.json)) (saved.exitCode === 0 ? process.stdout : process.stderr).write(`${saved.message}\n`);
    };
    if (!outcome.ok) {
      process.stderr.write(`${formatError(outcome.error, outcome.logs, outcome.diagnostics)}\n`);
      reportSaved();
      process.exitCode = saved?.exitCode || EXIT_FOR[outcome.error.kind];
      return;
    }
    if (!summary) throw new Error("the export produced no summary");
    process.stdout.write(opts.json ? `${JSON.stringify(saved?.ref ? { ...summary, saved: saved.ref } : summary, null, 2)}\n` : `${formatExport(summary)}\n`);
    reportSaved();
    const checkerFailed = "ok" in summary.checker && !summary.checker.ok;
    // Outside the stated tolerance counts as failing the check: a quantized file that is wrong
    // (saturated, say) must not look like a good one to a script.
    process.exitCode = saved?.exitCode || (checkerFailed || !summary.onnxruntime.ok || summary.onnxruntime.withinTolerance === false ? 2 : 0);
  });

registerCheckCommand(program, { seconds, integer });

program
  .command("typecheck")
  .description("type-check a model file against the tandem API without running it; exits 1 on errors")
  .argument("<model>", "model file (.ts)")
  .option("--json", "print the diagnostics as JSON")
  .action(async (model: string, opts: { json?: boolean }) => {
    const diagnostics = await typecheckFile(model); // in a worker, as the check beside a run
    if (opts.json) process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
    else if (diagnostics.length) process.stdout.write(`${formatDiagnostics(diagnostics).join("\n")}\n`);
    else process.stdout.write(`${model}: no type errors\n`);
    process.exitCode = diagnostics.some((d) => d.severity === "error") ? 1 : 0;
  });

program
  .command("backends")
  .description("list the eager backends, whether each can run on this machine, and why not")
  .option("--json", "print JSON")
  .action(async (opts: { json?: boolean }) => {
    const { listBackends } = await import("../eager/backend"); // loads tfjs, which `run` leaves to the worker
    const backends = await listBackends();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(backends, null, 2)}\n`);
      return;
    }
    for (const b of backends) {
      const features = Object.entries(b.features).map(([k, v]) => `${k}=${String(v)}`).join(" ");
      const state = b.available ? `available ${b.version ?? ""} ${features}`.trim() : `unavailable: ${b.reason ?? "unknown"}`;
      process.stdout.write(`${b.name.padEnd(9)} ${b.package.padEnd(32)} ${state}\n`);
    }
  });

registerOpsCommand(program);
registerSessionCommands(program);
registerBenchCommand(program);
registerServeCommand(program); // tandem serve: engine/serve/

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ModelFileError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`tandem: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  }
}
