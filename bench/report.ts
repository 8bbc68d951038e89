/** Writes a run's results as JSON (for tools) and a Markdown table (for people), side by side. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BACKENDS, type BenchResults, type Ratio, type Ratios } from "./results";
import type { Summary } from "./stats";

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const signed = (x: number): string => `${x >= 0 ? "+" : ""}${fmt(x)}`;
const pct = (s: Summary): string => `${(s.iqrOverMedian * 100).toFixed(0)}%`;
/** Ratios far from 1 (cpu vs wasm matmul) keep two significant digits instead of rounding to 0.00. */
const times = (r: number): string => `${r >= 0.1 ? fmt(r) : r.toPrecision(2)}x`;
const showRatio = (r: Ratio): string => (typeof r === "number" ? times(r) : r);

/** A row that says why a measurement is absent, padded to the table's width. */
const missingRow = (label: string, reason: string, width: number): string[] => [
  label,
  `missing: ${reason}`,
  ...Array<string>(width - 2).fill(""),
];

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const EAGER_HEADER = [
  "runtime",
  "µs/op median",
  "µs/op p90",
  "raw tfjs median",
  "raw tfjs p90",
  "added µs (Δ medians)",
  "added µs (paired median)",
  "Tandem / raw",
  "n blocks",
  "IQR/median",
];
const MLP_HEADER = ["runtime", "ms median", "ms p90", "ms min", "n blocks", "forwards/block", "IQR/median"];

const torchLabel = (t: { torch: string; threads: number }): string => `torch ${t.torch}, ${t.threads} thread`;

function eagerTable(r: BenchResults): string {
  const rows: string[][] = BACKENDS.map((b) => {
    const e = r.eager[b];
    if (e.status !== "ok") return missingRow(`Tandem ${b}`, e.reason, EAGER_HEADER.length);
    const t = e.tandemUs;
    const raw = e.rawUs;
    return [
      `Tandem ${b}`,
      fmt(t.median),
      fmt(t.p90),
      fmt(raw.median),
      fmt(raw.p90),
      signed(e.addedUs),
      signed(e.pairedAddedUs.median),
      times(e.ratio),
      String(t.n),
      `${pct(t)} / ${pct(raw)}`,
    ];
  });
  const torch = r.torch;
  if (torch.status === "ok") {
    const us = torch.eagerAdd.us;
    rows.push([torchLabel(torch), fmt(us.median), fmt(us.p90), "", "", "", "", "", String(us.n), pct(us)]);
  } else rows.push(missingRow("torch", torch.reason, EAGER_HEADER.length));
  return table(EAGER_HEADER, rows);
}

function mlpTable(r: BenchResults): string {
  const row = (label: string, s: Summary, calls: number): string[] => [
    label,
    fmt(s.median, 3),
    fmt(s.p90, 3),
    fmt(s.min, 3),
    String(s.n),
    String(calls),
    pct(s),
  ];
  const rows: string[][] = BACKENDS.map((b) => {
    const m = r.mlp[b];
    return m.status === "ok" ? row(`Tandem ${b}`, m.ms, m.callsPerBlock) : missingRow(`Tandem ${b}`, m.reason, MLP_HEADER.length);
  });
  const torch = r.torch;
  rows.push(
    torch.status === "ok"
      ? row(torchLabel(torch), torch.mlp.ms, torch.mlp.callsPerBlock)
      : missingRow("torch", torch.reason, MLP_HEADER.length),
  );
  return table(MLP_HEADER, rows);
}

function ratioTable(r: BenchResults): string {
  const row = (label: string, pick: (x: Ratios) => Ratio): string[] => [
    label,
    showRatio(pick(r.ratios.perOpAdd)),
    showRatio(pick(r.ratios.mlpForward)),
  ];
  return table(
    ["ratio of medians (same run)", "per-op add", "MLP forward"],
    [
      row("Tandem wasm / torch", (x) => x.tandemWasmOverTorch),
      row("Tandem cpu / torch", (x) => x.tandemCpuOverTorch),
      row("wasm / cpu", (x) => x.wasmOverCpu),
    ],
  );
}

export function renderMarkdown(r: BenchResults): string {
  const p = r.provenance;
  const chain = r.eager.wasm.status === "ok" ? r.eager.wasm : r.eager.cpu.status === "ok" ? r.eager.cpu : null;
  const mlp = r.mlp.wasm.status === "ok" ? r.mlp.wasm : r.mlp.cpu.status === "ok" ? r.mlp.cpu : null;
  const backends = p.backends
    .map((b) => `${b.name} ${b.version ?? "?"}${b.simd === null ? "" : ` (simd ${b.simd}, threads ${b.threads})`}`)
    .join(", ");
  const torch =
    r.torch.status === "ok"
      ? ` · torch ${r.torch.torch} (python ${r.torch.python}, ${r.torch.cpuCapability ?? "?"} kernels, ` +
        `OpenBLAS core ${r.torch.openblasCore ?? "?"}, ` +
        `OPENBLAS_CORETYPE=${r.torch.env.OPENBLAS_CORETYPE ?? "unset"})`
      : "";
  return [
    `# Tandem eager benchmark, ${p.time}`,
    "",
    `${p.cpu}, ${p.cores} cores, load ${fmt(p.loadAvg1m)} · node ${p.node} · tfjs ${p.tfjs} · ${backends} · ` +
      `git ${p.gitCommit.slice(0, 12)}${p.gitDirty === true ? " (dirty)" : ""} · threads: Tandem wasm ${r.threads.tandemWasm}, cpu ${r.threads.tandemCpu}, torch ${r.threads.torch ?? "n/a"}${torch}`,
    "",
    `## Eager per-op dispatch: chain of ${chain?.chainLength ?? "?"} \`x = x.add(y)\` on [${chain?.shape.join(", ") ?? "?"}], one scope per chain`,
    "",
    eagerTable(r),
    "",
    `## MLP forward latency: ${mlp?.file ?? "assets/examples/mlp.ts"}, inputs ${JSON.stringify(mlp?.inputs ?? {})}, ` +
      `${mlp?.parameters ?? "?"} parameters, eval, one scope per block`,
    "",
    mlpTable(r),
    "",
    "## Ratios",
    "",
    ratioTable(r),
    "",
    "Tandem / raw tfjs is interleaved block by block; torch runs in its own process after Tandem, so ratios " +
      "against torch also carry any change in machine load between the two.",
    "",
    r.warnings.length ? `Warnings:\n${r.warnings.map((w) => `- ${w}`).join("\n")}` : "No warnings.",
    "",
  ].join("\n");
}

/** Writes `<dir>/<YYYY-MM-DD>.{json,md}` (UTC date of `time`): the whole suite, both parts. */
export function writeSuite(dir: string, time: string, results: object, markdown: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, time.slice(0, 10));
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  return { json: `${base}.json`, md: `${base}.md` };
}
