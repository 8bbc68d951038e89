/**
 * `tandem bench` results for people: aligned text tables for the terminal, or Markdown (--md).
 * Both show the same figures; a missing one is "—" with its reason listed under the table.
 */
import path from "node:path";
import type { BenchCase, BenchResult, Missing, OpProfile, OpRow, PeakResult } from "../../shared/bench";

type Cell = string;
export type Style = "text" | "md";

const isMissing = (v: unknown): v is Missing => typeof v === "object" && v !== null && "missing" in v;

/** Label columns (the first `left` ones, or those listed) are left-aligned, figures right-aligned. */
export function table(header: Cell[], rows: Cell[][], style: Style, left: number | readonly number[] = 1, indent = "  "): string {
  const isLeft = (i: number) => (typeof left === "number" ? i < left : left.includes(i));
  if (style === "md") {
    const line = (cells: Cell[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map((_, i) => (isLeft(i) ? "---" : "---:"))), ...rows.map(line)].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: Cell[]) => indent + cells.map((c, i) => (isLeft(i) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Milliseconds with 3 significant digits at least, so 0.0123 and 123 both read well. */
export function ms(x: number): string {
  if (x >= 100) return x.toFixed(1);
  if (x >= 1) return x.toFixed(3);
  if (x >= 0.01) return x.toFixed(4);
  return x.toPrecision(3);
}

export function flops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GFLOP`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MFLOP`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kFLOP`;
  return `${n} FLOP`;
}

const pct = (x: number) => `${x.toFixed(0)}%`;
const times = (x: number) => `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}x`;

/** A value, or "—" and its reason noted once in `notes`. */
function orDash<T>(v: T | Missing, show: (x: T) => string, notes: Set<string>, what: string): string {
  if (isMissing(v)) {
    notes.add(`${what}: ${v.missing}`);
    return "—";
  }
  return show(v);
}

function header(r: BenchResult, style: Style): string[] {
  const p = r.provenance;
  const b = r.backend;
  const wasm = b.name === "wasm" ? ` (simd ${String(b.features.simd ?? "?")}, threads ${String(b.features.threads ?? "?")})` : "";
  const title = `${r.model.className}  ${path.relative(process.cwd(), r.file) || r.file}`;
  return [
    style === "md" ? `## ${title}` : title,
    `${style === "md" ? "" : "  "}${r.model.parameters.toLocaleString("en-US")} parameters (${bytes(r.model.parameterBytes)}), ${r.model.buffers.toLocaleString("en-US")} buffer values · source sha256 ${r.sourceHash.slice(0, 12)} · seed ${r.settings.seed}`,
    `${style === "md" ? "" : "  "}tfjs ${b.name} ${b.version ?? "?"}${wasm} · onnxruntime-node ${p.onnxruntime ?? "not installed"} · ${p.cpu}, ${p.cores} cores, load ${p.loadAvg1m.toFixed(2)} · node ${p.node} · tandem ${p.tandemVersion} @ ${p.gitCommit.slice(0, 12)}${p.gitDirty === true ? " (dirty)" : ""} · ${p.time}`,
    `${style === "md" ? "" : "  "}method: ${r.settings.warmupS} s warm-up, interleaved rounds (shuffled order, mirrored the next round), blocks of ≥ 5 ms for sub-ms calls, ${r.settings.minTimeS}–${r.settings.maxTimeS} s per batch size until each median's 95% CI is within ${(r.settings.targetRelCi * 100).toFixed(1)}%`,
  ];
}

function variantTable(c: BenchCase, style: Style, notes: Set<string>): string {
  const rows = c.variants.map((v) => {
    const mem = c.memory.variants.find((m) => m.name === v.name);
    return [
      v.name,
      String(v.threads),
      String(v.ms.n),
      String(v.callsPerBlock),
      ms(v.ms.median),
      `${ms(v.ms.medianCi[0])}–${ms(v.ms.medianCi[1])}`,
      ms(v.ms.mean),
      ms(v.ms.p90),
      ms(v.ms.p99),
      ms(v.ms.min),
      `${pct(v.ms.iqrOverMedian * 100)}${v.noisy ? " !" : ""}`,
      orDash(v.gflops, (g) => g.toFixed(2), notes, "GFLOP/s"),
      orDash(v.pctOfPeak, (x) => `${x.toFixed(1)}%`, notes, "% of peak"),
      mem ? orDash(mem.peakBytes, bytes, notes, `${v.name} peak RSS`) : "—",
    ];
  });
  return table(["variant", "threads", "n", "calls/block", "median ms", "95% CI", "mean", "p90", "p99", "min", "IQR/med", "GFLOP/s", "% peak", "peak RSS"], rows, style);
}

function coldLines(c: BenchCase, style: Style, notes: Set<string>): string {
  const k = c.cold;
  const d = (v: number | Missing, what: string) => orDash(v, ms, notes, what);
  const rows: Cell[][] = [["model", `compile ${ms(k.compileMs)} · construct ${ms(k.constructMs)}`]];
  rows.push(["eager", `first run ${d(k.eagerFirstRunMs, "eager first run")}`]);
  rows.push(["graph (shared)", `trace ${d(k.traceMs, "trace")} · passes ${d(k.passesMs, "passes")}`]);
  rows.push(["graph:tfjs", `plan compile ${d(k.planCompileMs, "plan compile")} · first run ${d(k.planFirstRunMs, "plan first run")}`]);
  const sessions = k.ortSessions.map((s) => `${s.bare ? "bare " : ""}${s.threads}t: session ${ms(s.sessionMs)}, first run ${ms(s.firstRunMs)}`).join(" · ");
  rows.push(["graph:ort", `export ${d(k.exportMs, "export")}${sessions ? ` · ${sessions}` : ""}`]);
  return table(["cold costs (ms)", ""], rows, style, 2);
}

function ratioTable(c: BenchCase, style: Style): string {
  const rows = c.ratios.map((r) => [`${r.a} / ${r.b}`, times(r.ratio), `${times(r.ci[0])} – ${times(r.ci[1])}`, times(r.minRatio), r.ci[0] > 1 ? "slower" : r.ci[1] < 1 ? "faster" : "no clear difference"]);
  return table(["time ratio", "of medians", "95% bootstrap CI", "of minimums", "verdict (CI)"], rows, style, 1).replace(/ +$/gm, "");
}

function memoryLines(c: BenchCase, r: BenchResult, style: Style, notes: Set<string>): string {
  const m = c.memory;
  const rows = m.variants.map((v) => [v.name, String(v.samples), orDash(v.peakBytes, bytes, notes, `${v.name} peak RSS`), orDash(v.peakRiseBytes, bytes, notes, `${v.name} rise`), orDash(v.setupBytes, bytes, notes, `${v.name} set-up`)]);
  const lib = m.library.map((l) => [l.mode, orDash(l.atRestBytes, bytes, notes, `${l.mode} library bytes`), orDash(l.peakBytes, bytes, notes, `${l.mode} library peak`), orDash(l.activationPeakBytes, bytes, notes, `${l.mode} library activations`)]);
  const independent = r.independentRss;
  const check =
    independent && !isMissing(independent) && !isMissing(r.rss.peakBytes)
      ? `whole job: worker sampler peak ${bytes(r.rss.peakBytes)}, parent's ${independent.source}: peak ${bytes(independent.peakBytes)} (${(((r.rss.peakBytes - independent.peakBytes) / independent.peakBytes) * 100).toFixed(1)}%)`
      : "";
  return [
    `${style === "md" ? "" : "  "}RSS: ${m.source}, every ${m.intervalMs} ms: ${m.samples} samples while measuring, peak ${orDash(m.peakBytes, bytes, notes, "peak RSS")}${check ? `; ${check}` : ""}`,
    "",
    table(["variant (RSS)", "samples", "peak RSS", "rise in a block", "set-up"], rows, style),
    "",
    table(["kernel library", "bytes at rest", "peak in a forward", "activations"], lib, style),
  ].join("\n");
}

function opTable(p: OpProfile, style: Style, top: number): string {
  const n = Math.min(top, Math.max(p.byOp.length, p.byModule.length));
  const cell = (row: OpRow | undefined) => (row ? [row.key, ms(row.ms), pct(row.pct)] : ["", "", ""]);
  const rows = Array.from({ length: n }, (_, i) => [...cell(p.byOp[i]), ...cell(p.byModule[i])]);
  return table(["op", "ms/fwd", "%", "module", "ms/fwd", "%"], rows, style, [0, 3]);
}

function profileLines(c: BenchCase, style: Style, top: number): string {
  return c.profiles
    .map((p) => {
      const timed = c.variants.find((v) => v.name === p.variant)?.ms.median;
      const head = `${style === "md" ? "#### " : "  "}${p.variant}: ${p.source}; ${p.forwards} forwards, ${ms(p.profiledMsPerForward)} ms/forward profiled${timed === undefined ? "" : ` vs ${ms(timed)} timed`}`;
      const kernels = p.kernels?.length ? `\n\n${table(["tfjs kernel (profile())", "ms/fwd", "%", "bytes/fwd"], p.kernels.slice(0, top).map((k) => [k.key, ms(k.ms), pct(k.pct), bytes(k.bytes)]), style)}` : "";
      return `${head}\n\n${opTable(p, style, top)}${kernels}`;
    })
    .join("\n\n");
}

export function formatPeak(peak: PeakResult | Missing, style: Style = "text"): string {
  if (isMissing(peak)) return `matmul peak: ${peak.missing}`;
  const rows = peak.entries.map((e) => [e.runtime, String(e.threads), `${e.size}x${e.size}`, ms(e.ms), e.gflops.toFixed(2)]);
  return [`${style === "md" ? "### " : ""}matmul peak (float32, 2·n³ FLOPs), ${peak.cpu}, ${peak.time}`, "", table(["runtime", "threads", "size", "median ms", "GFLOP/s"], rows, style)].join("\n");
}

const STOP_TEXT: Record<BenchCase["stopReason"], string> = {
  converged: "stopped when every median's 95% CI was tight enough",
  "max-time": "stopped at the time limit (--max-time)",
  "max-blocks": "stopped at the block limit",
  stopped: "stopped early (Ctrl-C)",
};

export function formatBench(r: BenchResult, style: Style = "text", top = 10): string {
  const out: string[] = [...header(r, style), ""];
  if (r.interrupted) out.push("STOPPED EARLY (Ctrl-C): the figures are what was measured until then", "");
  for (const c of r.cases) {
    const notes = new Set<string>();
    const shapes = c.inputs.map((i) => `${i.name} ${i.dtype} [${i.shape.join(", ")}]`).join(", ");
    const f = c.flops;
    const flopText = isMissing(f)
      ? `FLOPs: ${f.missing}`
      : `${flops(f.total)} per forward (${Object.entries(f.byOp).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([op, n]) => `${op} ${pct((100 * n) / f.total)}`).join(", ")})`;
    out.push(`${style === "md" ? "### " : ""}batch ${c.batch ?? "as in `inputs`"}: ${shapes} · ${flopText}`);
    out.push(`${style === "md" ? "" : "  "}${c.rounds} rounds in ${(c.elapsedMs / 1000).toFixed(1)} s; ${STOP_TEXT[c.stopReason]}`, "");
    out.push(variantTable(c, style, notes), "");
    const byNote = new Map<string, Set<string>>();
    for (const v of c.variants) byNote.set(v.threadsNote, (byNote.get(v.threadsNote) ?? new Set()).add(v.mode));
    out.push(`${style === "md" ? "" : "  "}threads: ${[...byNote].map(([note, ms]) => `${[...ms].join(", ")}: ${note}`).join("; ")}`, "");
    for (const v of c.variants) if (v.note) out.push(`${style === "md" ? "- " : "  "}${v.name}: ${v.note}`);
    for (const p of c.picked) out.push(`${style === "md" ? "- " : "  "}--threads auto: ${p.mode} uses ${p.threads} (${p.note})`);
    for (const m of c.missing) out.push(`${style === "md" ? "- " : "  "}${m.mode}: not measured: ${m.reason}`);
    if (c.picked.length || c.missing.length || c.variants.some((v) => v.note)) out.push("");
    if (c.ratios.length) out.push(ratioTable(c, style), "");
    out.push(coldLines(c, style, notes), "");
    out.push(memoryLines(c, r, style, notes), "");
    if (c.profiles.length) out.push(`${style === "md" ? "#### " : ""}top ops (per forward; by op type, and by module path)`, "", profileLines(c, style, top), "");
    if (notes.size) out.push(...[...notes].map((n) => `${style === "md" ? "- " : "  "}— ${n}`), "");
    for (const w of c.warnings) out.push(`${style === "md" ? "- " : "  "}warning: ${w}`);
    if (c.warnings.length) out.push("");
  }
  for (const w of r.warnings) out.push(`${style === "md" ? "- " : ""}warning: ${w}`);
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}
