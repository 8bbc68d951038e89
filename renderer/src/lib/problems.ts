import type { Diagnostic } from "../../../shared/diagnostics";
import type { GraphBreak } from "../../../shared/graph";
import type { ModelError, RunOutcome, SourceLocation } from "../../../shared/run";

/**
 * Everything wrong with the model that a run, a graph view or an export found, as one list: the
 * problems pane shows it and the editor turns the ones in the open file into markers.
 */
export interface Problem {
  /** Stable key for lists and for de-duplicating the same finding from two runs. */
  key: string;
  severity: "error" | "warning" | "info";
  /** What found it: "eager", "graph", "export", "check". */
  source: string;
  /** "syntax", "shape", "graph break", "TS2322", ... */
  kind: string;
  message: string;
  location: SourceLocation | null;
}

const where = (l: SourceLocation | null) => (l ? `${l.file}:${l.line}:${l.column}` : "");

export function fromError(error: ModelError, source: string): Problem {
  const cancelled = error.kind === "timeout" || error.kind === "crash" || error.kind === "oom";
  return {
    key: `error:${error.kind}:${where(error.location)}:${error.message}`,
    severity: cancelled ? "warning" : "error",
    source,
    kind: error.kind,
    message: error.op && !error.message.includes(error.op) ? `${error.op}: ${error.message}` : error.message,
    location: error.location,
  };
}

export function fromDiagnostic(d: Diagnostic, source: string): Problem {
  return { key: `diag:${d.code}:${where(d.location)}:${d.message}`, severity: d.severity, source, kind: d.code, message: d.message, location: d.location };
}

export function fromBreak(b: GraphBreak, source: string): Problem {
  return {
    key: `break:${where(b.location)}:${b.reason}`,
    severity: "warning",
    source,
    kind: "graph break",
    message: `${b.reason}${b.how ? ` (${b.how})` : ""}: the graph splits here after ${b.afterOps} op${b.afterOps === 1 ? "" : "s"}`,
    location: b.location,
  };
}

/** The problems of one run's outcome: its error, its type diagnostics, its graph breaks. */
export function fromOutcome(outcome: RunOutcome, source: string): Problem[] {
  if (!outcome.ok) return [fromError(outcome.error, source), ...outcome.diagnostics.map((d) => fromDiagnostic(d, source))];
  const r = outcome.result;
  return [...r.diagnostics.map((d) => fromDiagnostic(d, source)), ...(r.graph?.breaks ?? []).map((b) => fromBreak(b, source))];
}

/** Keeps the first of each key, errors first, then by file position. */
export function mergeProblems(lists: Problem[][]): Problem[] {
  const seen = new Map<string, Problem>();
  for (const list of lists) for (const p of list) if (!seen.has(p.key)) seen.set(p.key, p);
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...seen.values()].sort(
    (a, b) => rank[a.severity] - rank[b.severity] || (a.location?.line ?? 1e9) - (b.location?.line ?? 1e9) || (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}

/**
 * Whether a location the engine reported (an absolute path on its machine) is the file open in the
 * editor, which the window knows by the name it sent (a path relative to the engine's folder).
 */
export function sameFile(reported: string, open: string): boolean {
  const norm = (p: string) => p.replaceAll("\\", "/").replace(/^\.\//, "");
  const a = norm(reported);
  const b = norm(open);
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}
