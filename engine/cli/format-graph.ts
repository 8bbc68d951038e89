import type { ExportSummary, GraphBreak, GraphRunSummary, Parity } from "../../shared/graph";
import { describeMismatch } from "../../shared/mismatch";
import { formatLocation } from "../model/stack";

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

/** One output's parity with eager; where NaNs or infinities differ, the first place they do. */
function parityLine(p: Parity): string {
  if (p.notCompared) return `  parity with eager  ${p.output}: not compared: ${p.notCompared}`;
  const diffs = `max abs diff ${p.maxAbsDiff.toExponential(2)}, max rel diff ${p.maxRelDiff.toExponential(2)}`;
  return `  parity with eager  ${p.output}: ${p.mismatch ? `${describeMismatch(p.mismatch)}; elsewhere ${diffs}` : diffs}`;
}

/** The graph part of `tandem run --mode graph:*`. */
export function formatGraphSummary(g: GraphRunSummary): string[] {
  const lines = ["graph"];
  if (g.fallback) lines.push(`  ${g.fallback}`);
  else if (g.segments) {
    const s = g.segments;
    lines.push(`  ${s.note}`);
    lines.push(`  ${s.templates} compiled segment${s.templates === 1 ? "" : "s"}, ${s.planRuns} plan runs, ${s.eagerSegments} segments run eagerly while learning, ${s.replays} replays`);
    lines.push(...g.parity.map(parityLine));
  } else {
    const changed = g.passes.filter((p) => p.changes.length > 0).map((p) => `${p.pass} (${p.changes.length})`);
    lines.push(`  ${g.callsTraced} ops traced, ${g.callsOptimized} after passes${changed.length ? `: ${changed.join(", ")}` : ""}`);
    if (g.ort) {
      const o = g.ort;
      lines.push(`  onnxruntime ${o.version ?? ""} (${o.executionProvider} EP, optimization ${o.optimizationLevel}, ${o.intraOpThreads} intra-op thread${o.intraOpThreads === 1 ? "" : "s"})`);
      lines.push(`  trace ${ms(g.timings.traceMs)}, passes ${ms(g.timings.passesMs)}, export ${ms(g.timings.compileMs)}, session ${ms(o.sessionMs)}`);
    } else {
      lines.push(`  compiled tfjs plan; trace ${ms(g.timings.traceMs)}, passes ${ms(g.timings.passesMs)}, compile ${ms(g.timings.compileMs)}`);
    }
    lines.push(...g.parity.map(parityLine));
  }
  lines.push(...formatBreaks(g).map((l) => `  ${l}`));
  return lines;
}

const kib = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

/** `tandem export`: where the file went, what is in it, and what the checks found. */
export function formatExport(e: ExportSummary): string {
  const ops = Object.entries(e.opTypes).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(", ");
  const checker = "skipped" in e.checker ? `skipped (${e.checker.skipped})` : e.checker.ok ? "passed (onnx.checker, full_check)" : `FAILED: ${e.checker.error ?? ""}`;
  const ort = e.onnxruntime.ok ? `loads and runs; ${formatParity(e)}` : `FAILED: ${e.onnxruntime.error ?? ""}`;
  return [
    `wrote ${e.path}`,
    `  ${kib(e.bytes)}, IR version ${e.irVersion}, opset ${e.opset}${e.dynamicBatch ? ", dynamic batch" : ""}`,
    `  ${e.nodes} nodes (${ops}), ${e.initializers} initializers (${kib(e.initializerBytes)})`,
    `  inputs ${e.inputNames.join(", ")}; outputs ${e.outputs.map((o) => o.onnx).join(", ")}`,
    `  checker      ${checker}`,
    `  onnxruntime  ${ort}`,
    ...formatQuantization(e),
  ].join("\n");
}

/** Max abs and rel diff from eager, and the verdict against the tolerance the export was judged by. */
function formatParity(e: ExportSummary): string {
  const { parity, tolerance, withinTolerance } = e.onnxruntime;
  const worst = (f: (p: (typeof parity)[number]) => number) => Math.max(0, ...parity.map(f)).toExponential(2);
  const mismatches = parity.flatMap((p) => (p.mismatch ? [`${p.output}: ${describeMismatch(p.mismatch, "onnxruntime")}`] : []));
  const skipped = parity.flatMap((p) => (p.notCompared ? [`${p.output} not compared: ${p.notCompared}`] : []));
  const diff = `max abs diff from eager ${worst((p) => (p.notCompared ? 0 : p.maxAbsDiff))} (max rel ${worst((p) => (p.notCompared ? 0 : p.maxRelDiff))})${[...mismatches, ...skipped].map((m) => `; ${m}`).join("")}`;
  if (!tolerance || withinTolerance === null) return diff;
  const bound = `atol ${tolerance.atol} + rtol ${tolerance.rtol} x max|eager|`;
  return `${diff}, ${withinTolerance ? "within" : "OUTSIDE"} ${bound}`;
}

function formatQuantization(e: ExportSummary): string[] {
  const q = e.quantization;
  if (!q) return [];
  const bits = q.weightRange === 127 ? "8-bit" : "7-bit (reduce_range)";
  const lines = [`  quantized    ${q.mode}: ${q.nodes} MatMul/Gemm on ${bits} int8 weights, ${kib(q.weightBytesBefore)} -> ${kib(q.weightBytesAfter)}`];
  for (const l of q.left) lines.push(`    left float: ${l.node} (${l.op}): ${l.reason}`);
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
