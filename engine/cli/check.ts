import type { Command } from "commander";
import type { Parity } from "../../shared/graph";
import { describeMismatch } from "../../shared/mismatch";
import type { RunOutcome, RunRequestInput } from "../../shared/run";
import { runModel } from "../service/run-model";
import { DEFAULT_TOLERANCE, type Tolerance, withinTolerance } from "../model/parity";
import { formatLocation } from "../model/stack";
import { formatDiagnostics, formatError } from "./format";
import { formatBreaks } from "./format-graph";

const GRAPH_MODES = ["graph:tfjs", "graph:ort"] as const;

interface ModeCheck {
  mode: string;
  ok: boolean;
  parity: (Parity & { pass: boolean })[];
  outcome: RunOutcome;
}

export interface CheckReport {
  file: string;
  tolerance: Tolerance;
  pass: boolean;
  modes: ModeCheck[];
}

const short = (n: number) => n.toExponential(1);

function checkMode(mode: string, outcome: RunOutcome, tol: Tolerance): ModeCheck {
  if (!outcome.ok) return { mode, ok: false, parity: [], outcome };
  const parity = (outcome.result.graph?.parity ?? []).map((p) => ({ ...p, pass: withinTolerance(p, tol) }));
  return { mode, ok: parity.every((p) => p.pass), parity, outcome };
}

/**
 * tandem check: the model's type check, then eager, graph:tfjs and graph:ort on the same seed
 * (so the same weights and inputs), with each graph output's distance from eager against a
 * stated tolerance, the graph breaks, and what the passes did.
 */
export async function checkModel(file: string, base: Partial<RunRequestInput>, tol: Tolerance, maxOldSpaceMb: number): Promise<CheckReport> {
  const run = (mode: "eager" | (typeof GRAPH_MODES)[number]) =>
    runModel({ ...base, file, mode, repeat: 0, typecheck: mode === "eager" }, { maxOldSpaceMb });
  const [eager, ...graphs] = await Promise.all([run("eager"), ...GRAPH_MODES.map(run)]);
  const modes = [
    { mode: "eager", ok: (eager as RunOutcome).ok, parity: [], outcome: eager as RunOutcome },
    ...graphs.map((o, i) => checkMode(GRAPH_MODES[i] as string, o, tol)),
  ];
  return { file, tolerance: tol, pass: modes.every((m) => m.ok), modes };
}

export function formatCheck(report: CheckReport): string {
  const lines = [`check ${formatLocation({ file: report.file, line: 1, column: 1 }).replace(/:1:1$/, "")}  (pass: every |graph - eager| <= ${report.tolerance.atol} + ${report.tolerance.rtol} x max|eager|)`];
  for (const m of report.modes) {
    if (!m.outcome.ok) {
      lines.push(`  ${m.mode.padEnd(11)} ERROR  ${formatError(m.outcome.error, []).split("\n")[0] ?? ""}`);
      continue;
    }
    const g = m.outcome.result.graph;
    if (!g) {
      lines.push(`  ${m.mode.padEnd(11)} ran    ${m.outcome.result.outputs.map((o) => `${o.name} ${o.dtype}[${o.shape.join(",")}]`).join(", ")} (the reference)`);
      continue;
    }
    const how = g.segments ? `split into ${g.graphCount} graphs at graph breaks` : g.fallback ?? `${g.callsTraced} -> ${g.callsOptimized} ops`;
    for (const p of m.parity) {
      if (p.notCompared) {
        lines.push(`  ${m.mode.padEnd(11)} skip   ${p.output}: not compared: ${p.notCompared}  [${how}]`);
        continue;
      }
      const nonFinite = p.mismatch ? `${describeMismatch(p.mismatch)}; ` : "";
      lines.push(`  ${m.mode.padEnd(11)} ${p.pass ? "pass " : "FAIL "}  ${p.output}: ${nonFinite}max abs ${short(p.maxAbsDiff)}, max rel ${short(p.maxRelDiff)}, max|eager| ${short(p.scale)}  [${how}]`);
    }
  }
  const first = report.modes.find((m) => m.outcome.ok && m.outcome.result.graph)?.outcome;
  const graph = first?.ok ? first.result.graph : null;
  if (graph) {
    const changed = graph.passes.filter((p) => p.changes.length).map((p) => `${p.pass} ${p.changes.length}`);
    if (changed.length) lines.push(`passes: ${changed.join(", ")}`);
    lines.push(...(graph.breaks.length ? formatBreaks(graph) : ["graph breaks: none"]));
  }
  const eager = report.modes[0]?.outcome;
  const diagnostics = eager ? (eager.ok ? eager.result.diagnostics : eager.diagnostics) : [];
  lines.push(...(diagnostics.length ? formatDiagnostics(diagnostics) : ["type check: no errors"]));
  lines.push(`result: ${report.pass ? "PASS" : "FAIL"}`);
  return lines.join("\n");
}

export function registerCheckCommand(program: Command, options: { seconds: (v: string) => number; integer: (name: string, min: number) => (v: string) => number }): void {
  const float = (name: string) => (v: string) => {
    const n = Number(v);
    if (!(n >= 0)) throw new Error(`${name} must be a non-negative number`);
    return n;
  };
  program
    .command("check")
    .description("type-check the model, run it eager, graph:tfjs and graph:ort on the same inputs, and compare against a tolerance")
    .argument("<model>", "model file (.ts)")
    .option("--atol <x>", "absolute tolerance", float("atol"), DEFAULT_TOLERANCE.atol)
    .option("--rtol <x>", "tolerance relative to the largest eager value", float("rtol"), DEFAULT_TOLERANCE.rtol)
    .option("--seed <n>", "seed for weights and example inputs", options.integer("seed", 0), 0)
    .option("--timeout <seconds>", "stop each run after this long", options.seconds, 60)
    .option("--max-memory <MB>", "heap limit of each worker", options.integer("max-memory", 64), 4096)
    .option("--json", "print the report as JSON")
    .action(async (model: string, opts: { atol: number; rtol: number; seed: number; timeout: number; maxMemory: number; json?: boolean }) => {
      const report = await checkModel(model, { seed: opts.seed, timeoutMs: Math.round(opts.timeout * 1000) }, { atol: opts.atol, rtol: opts.rtol }, opts.maxMemory);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheck(report)}\n`);
      const internal = report.modes.some((m) => !m.outcome.ok && ["crash", "backend", "internal"].includes(m.outcome.error.kind));
      process.exitCode = report.pass ? 0 : internal ? 2 : 1;
    });
}
