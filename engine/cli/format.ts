import { codeFrameColumns } from "@babel/code-frame";
import { readFileSync } from "node:fs";
import type { Diagnostic } from "../../shared/diagnostics";
import { fromJsonFloat } from "../../shared/float";
import type { LogEntry, ModelError, OutputSummary, RunResult } from "../../shared/run";
import { formatLocation } from "../model/stack";
import { formatGraphSummary } from "./format-graph";

const ms = (v: number): string => (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(v >= 10 ? 1 : 2)} ms`);

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

const shape = (s: readonly number[]): string => `[${s.join(", ")}]`;

function preview(o: OutputSummary): string {
  const count = o.shape.reduce((a, b) => a * b, 1);
  const values = o.preview.map((v) => (o.dtype === "float32" ? fromJsonFloat(v).toFixed(4) : String(v)));
  return `[${values.join(", ")}${count > o.preview.length ? ", ..." : ""}]`;
}

/** "  (contains NaN and Infinity)": what a preview of the first values may not show. */
function nonFiniteNote(o: OutputSummary): string {
  const kinds = [o.hasNaN ? "NaN" : "", o.hasInf ? "Infinity" : ""].filter(Boolean);
  return kinds.length ? `  (contains ${kinds.join(" and ")})` : "";
}

function logLine(entry: LogEntry): string {
  const where = entry.location ? `${formatLocation(entry.location)}  ` : `(${entry.level})  `;
  return `  ${where}${entry.text.split("\n").join("\n    ")}`;
}

/** Type-check findings, one per line with the user's location; empty when there are none. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  return [
    "type check",
    ...diagnostics.map((d) => `  ${d.location ? `${formatLocation(d.location)}  ` : ""}${d.severity} ${d.code}: ${d.message.split("\n").join("\n    ")}`),
  ];
}

/** The human-readable form of a successful run. */
export function formatRun(r: RunResult): string {
  const features = Object.entries(r.backend.features).filter(([, v]) => v === true).map(([k]) => k);
  const backend = `${r.backend.name}${features.length ? ` (${features.join(", ")})` : ""} ${r.backend.version ?? ""}`.trim();
  const nameWidth = Math.max(...r.outputs.map((o) => o.name.length), ...r.inputs.map((i) => i.name.length));
  const lines = [
    `${r.model.className}  ${formatLocation({ file: r.file, line: 1, column: 1 }).replace(/:1:1$/, "")}`,
    `  mode        ${r.mode}, backend ${backend}, seed ${r.seed}`,
    `  parameters  ${r.model.parameters.toLocaleString("en-US")} (${bytes(r.model.parameterBytes)})`,
    `  inputs      ${r.inputs.map((i) => `${i.name} ${i.dtype} ${shape(i.shape)}`).join(", ")}`,
    "outputs",
    ...r.outputs.map(
      (o) =>
        `  ${o.name.padEnd(nameWidth)}  ${o.dtype} ${shape(o.shape)}  ${preview(o)}\n  ${" ".repeat(nameWidth)}  sum ${fromJsonFloat(o.sum).toPrecision(8)}  sha256 ${o.sha256.slice(0, 16)}${nonFiniteNote(o)}`,
    ),
    "time",
    `  compile ${ms(r.timings.compileMs)}, construct ${ms(r.timings.constructMs)}, forward ${ms(r.timings.firstForwardMs)} cold` +
      (r.timings.warmForwardMs === null ? "" : `, ${ms(r.timings.warmForwardMs)} warm (median of ${r.timings.warmRuns}${r.timings.p90ForwardMs === null ? "" : `, p90 ${ms(r.timings.p90ForwardMs)}`})`),
  ];
  const { peakBytes, baselineBytes, samples } = r.memory;
  if (peakBytes !== null) {
    const rise = baselineBytes === null ? "" : `+${bytes(Math.max(0, peakBytes - baselineBytes))} while running; `;
    lines.push("memory", `  peak RSS ${bytes(peakBytes)} (${rise}${samples} samples)`);
  }
  if (r.graph) lines.push(...formatGraphSummary(r.graph));
  if (r.logs.length) lines.push("logs", ...r.logs.map(logLine));
  lines.push(...formatDiagnostics(r.diagnostics));
  return lines.join("\n");
}

function codeFrame(error: ModelError): string | null {
  if (!error.location) return null;
  try {
    const source = readFileSync(error.location.file, "utf8");
    return codeFrameColumns(source, { start: { line: error.location.line, column: error.location.column } }, { linesAbove: 2, linesBelow: 1 });
  } catch {
    return null;
  }
}

/** The human-readable form of a failed run: message at the user's line, a code frame, the stack. */
export function formatError(error: ModelError, logs: readonly LogEntry[], diagnostics: readonly Diagnostic[] = []): string {
  const where = error.location ? ` at ${formatLocation(error.location)}` : "";
  const lines = [`error (${error.kind}): ${error.message}${where}`];
  const frame = codeFrame(error);
  if (frame) lines.push("", frame, "");
  if (error.stack.length > 1 || (!frame && error.stack.length)) lines.push(...error.stack.map((s) => `  ${s}`));
  if (logs.length) lines.push("logs before the error", ...logs.map(logLine));
  lines.push(...formatDiagnostics(diagnostics));
  return lines.join("\n");
}
