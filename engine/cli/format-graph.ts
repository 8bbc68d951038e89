import type { GraphBreak, GraphRunSummary } from "../../shared/graph";
import { formatLocation } from "../worker/stack";

const ms = (v: number): string => `${v.toFixed(v >= 10 ? 0 : 1)} ms`;

function breakLine(b: GraphBreak, i: number): string {
  const where = b.location ? `${formatLocation(b.location)}  ` : "";
  return `  break ${i + 1}  ${where}${b.reason}${b.tensor ? ` (value of ${b.tensor})` : ""}`;
}

/** Graph breaks the way torch._dynamo.explain reports them: counts, ops per graph, each break's reason and line. */
export function formatBreaks(g: GraphRunSummary): string[] {
  if (g.breaks.length === 0) return [];
  return [
    `graph breaks: ${g.breaks.length} (graphs: ${g.graphCount}, ops per graph: ${g.opsPerGraph.join(", ")})`,
    ...g.breaks.map(breakLine),
  ];
}

/** The graph part of `tandem run --mode graph:*`. */
export function formatGraphSummary(g: GraphRunSummary): string[] {
  const lines = ["graph"];
  if (g.fallback) lines.push(`  ${g.fallback}`);
  else {
    const changed = g.passes.filter((p) => p.changes.length > 0).map((p) => `${p.pass} (${p.changes.length})`);
    lines.push(`  ${g.runner} plan: ${g.callsTraced} ops traced, ${g.callsOptimized} after passes${changed.length ? `: ${changed.join(", ")}` : ""}`);
    lines.push(`  trace ${ms(g.timings.traceMs)}, passes ${ms(g.timings.passesMs)}, compile ${ms(g.timings.compileMs)}`);
    for (const p of g.parity) lines.push(`  parity with eager  ${p.output}: max abs diff ${p.maxAbsDiff.toExponential(2)}, max rel diff ${p.maxRelDiff.toExponential(2)}`);
  }
  lines.push(...formatBreaks(g).map((l) => `  ${l}`));
  return lines;
}

/** `tandem graph`: the traced IR, then each pass with what it changed and the IR after it. */
export function formatGraphExplain(g: GraphRunSummary): string {
  const out = [`traced graph: ${g.callsTraced} ops`, g.irTraced ?? ""];
  out.push(...formatBreaks(g));
  if (g.fallback) out.push("", `no passes ran: ${g.fallback}`);
  for (const p of g.passes) {
    out.push("", `── ${p.pass}: ${p.nodesBefore} → ${p.nodesAfter} nodes${p.changes.length ? "" : " (no change)"}`);
    out.push(...p.changes.map((c) => `   ${c}`));
    if (p.changes.length && p.irAfter) out.push("", p.irAfter);
  }
  return out.join("\n");
}
