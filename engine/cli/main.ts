import { Command, InvalidArgumentError, Option } from "commander";
import { BackendName } from "../../shared/backends";
import type { ErrorKind } from "../../shared/run";
import { runModel } from "../runner/run-model";
import { TANDEM_VERSION } from "../worker/provenance";
import { formatDiagnostics, formatError, formatRun } from "./format";

/** Exit codes: 0 success, 1 the user's model is at fault, 2 Tandem or the machine is. */
const EXIT_FOR: Record<ErrorKind, 1 | 2> = {
  syntax: 1,
  export: 1,
  shape: 1,
  runtime: 1,
  timeout: 1,
  oom: 1,
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

program
  .command("run")
  .description("run a model file once (cold) and a few times warm; print its outputs, time and logs")
  .argument("<model>", "model file (.ts) that default-exports an nn.Module and exports `inputs`")
  .addOption(new Option("--mode <mode>", "execution mode").choices(["eager"]).default("eager"))
  .addOption(new Option("--backend <name>", "eager kernel backend").choices(["auto", ...BackendName.options]).default("auto"))
  .option("--seed <n>", "seed for weights and example inputs", integer("seed", 0), 0)
  .option("--timeout <seconds>", "stop the model after this long", seconds, 30)
  .option("--repeat <n>", "warm forward passes after the first", integer("repeat", 0), 3)
  .option("--no-typecheck", "skip the type check that runs beside the model")
  .option("--max-memory <MB>", "heap limit of the worker that runs the model", integer("max-memory", 64), 4096)
  .option("--json", "print one JSON object instead of text")
  .action(async (model: string, opts: { mode: "eager"; backend: BackendName | "auto"; seed: number; timeout: number; repeat: number; typecheck: boolean; maxMemory: number; json?: boolean }) => {
    const outcome = await runModel(
      { file: model, mode: opts.mode, backend: opts.backend, seed: opts.seed, timeoutMs: Math.round(opts.timeout * 1000), repeat: opts.repeat, typecheck: opts.typecheck },
      { maxOldSpaceMb: opts.maxMemory },
    );
    if (opts.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (outcome.ok) process.stdout.write(`${formatRun(outcome.result)}\n`);
    else process.stderr.write(`${formatError(outcome.error, outcome.logs, outcome.diagnostics)}\n`);
    process.exitCode = outcome.ok ? 0 : EXIT_FOR[outcome.error.kind];
  });

program
  .command("check")
  .description("type-check a model file against the tandem API without running it; exits 1 on errors")
  .argument("<model>", "model file (.ts)")
  .option("--json", "print the diagnostics as JSON")
  .action(async (model: string, opts: { json?: boolean }) => {
    const { typecheckModel } = await import("../check/typecheck");
    const diagnostics = typecheckModel(model);
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`tandem: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
}
