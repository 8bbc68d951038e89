import { createTwoFilesPatch } from "diff";
import { fromJsonFloat, toJsonFloat } from "../../shared/float";
import type { Comparison, RunRecord, SourceSnapshot } from "../../shared/sessions";
import { medianRatioOverBaseline, quantile } from "../measure/stats";

// ---- statistics ---------------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  return quantile([...values].sort((x, y) => x - y), 0.5);
}

// ---- what a run holds ---------------------------------------------------------------------------

/**
 * Raw timing samples (ms) of a run, when its result carries them (`timings.samplesMs`: every warm
 * pass of a run, every sample of a bench record; results saved before them keep only the median), else null.
 */
export function samplesOf(run: RunRecord): number[] | null {
  if (!run.outcome.ok) return null;
  const samples = (run.outcome.result.timings as { samplesMs?: unknown }).samplesMs;
  return Array.isArray(samples) && samples.every((s) => typeof s === "number") ? (samples as number[]) : null;
}

function provenanceOf(run: RunRecord) {
  return run.outcome.ok ? run.outcome.result.provenance : run.outcome.provenance;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v));

/** The settings a comparison lines up, in the order shown. */
function settingsOf(run: RunRecord): [string, string | null][] {
  const p = provenanceOf(run);
  const r = run.outcome.ok ? run.outcome.result : null;
  const features = r ? Object.entries(r.backend.features).map(([k, v]) => `${k}=${String(v)}`).join(" ") || "none" : null;
  return [
    ["session", run.sessionName],
    ["kind", run.kind],
    ["status", run.status === "ok" ? "ok" : `error (${run.errorKind ?? "?"})`],
    ["model file", run.modelFile],
    ["model class", r ? r.model.className : null],
    ["parameters", r ? String(r.model.parameters) : null],
    ["inputs", r ? r.inputs.map((i) => `${i.name} ${i.dtype} [${i.shape.join(", ")}]`).join("; ") : null],
    ["source hash", run.sourceHash ?? run.sourceId],
    ["mode", run.mode],
    ["backend", run.backend],
    ["backend version", run.backendVersion],
    ["backend features", features],
    ["seed", str(run.seed)],
    ["warm runs", r ? String(r.timings.warmRuns) : null],
    ["tandem version", str(p.tandemVersion)],
    ["git commit", str(p.gitCommit)],
    ["git dirty", str(p.gitDirty)],
    ["node", str(p.node)],
    ["platform", str(p.platform)],
    ["cpu", str(p.cpu)],
    ["origin", run.origin],
  ];
}

// ---- sources ------------------------------------------------------------------------------------

/** A unified diff from one snapshot to another: the entry files against each other, then imports by path. */
export function diffSources(a: SourceSnapshot, b: SourceSnapshot, labels: [string, string]): string {
  const textOf = (s: SourceSnapshot, p: string): string | undefined => s.files.find((f) => f.path === p)?.text;
  const pairs: [string, string][] = [[a.entry, b.entry]];
  const others = new Set([...a.files, ...b.files].map((f) => f.path).filter((p) => p !== a.entry && p !== b.entry));
  for (const p of [...others].sort()) pairs.push([p, p]);
  const parts: string[] = [];
  for (const [pa, pb] of pairs) {
    const ta = textOf(a, pa);
    const tb = textOf(b, pb);
    if (ta === tb) continue;
    const patch = createTwoFilesPatch(ta === undefined ? "/dev/null" : `a/${pa}`, tb === undefined ? "/dev/null" : `b/${pb}`, ta ?? "", tb ?? "", labels[0], labels[1]);
    // The "===" banner createTwoFilesPatch starts with is not part of a unified diff.
    parts.push(patch.replace(/^=+\n/, ""));
  }
  return parts.join("");
}

// ---- the comparison -----------------------------------------------------------------------------

export interface CompareOptions {
  /** Keep only the settings whose values differ between the runs. */
  onlyDiff?: boolean;
  /** Looks up a run's source snapshot (Store.getSource). */
  source: (hash: string) => SourceSnapshot | null;
  /** The bootstrap of each run's ratio over the baseline (default: 2000 resamples, a 95% interval). */
  bootstrap?: { resamples?: number; level?: number; seed?: number };
}

/** Puts runs side by side; the first is the baseline the others are measured against. */
export function compareRuns(runs: readonly RunRecord[], options: CompareOptions): Comparison {
  const base = runs[0];
  if (!base || runs.length < 2) throw new RangeError("compare needs at least two runs");
  const baseSamples = samplesOf(base);
  const baseSource = base.sourceId ? options.source(base.sourceId) : null;

  const latency = runs.map((run, i) => {
    const row = { runId: run.id, coldMs: run.coldMs, warmMs: run.warmMs, warmRuns: null as number | null, ratio: null as number | null, ci: null as Comparison["latency"][number]["ci"], significant: null as boolean | null, note: null as string | null };
    if (!run.outcome.ok) return { ...row, note: `failed (${run.errorKind ?? "error"}): no timings` };
    row.warmRuns = run.outcome.result.timings.warmRuns;
    if (run.warmMs === null) return { ...row, note: "no warm passes (run with --repeat >= 1)" };
    if (i === 0) return { ...row, note: "baseline" };
    if (base.warmMs === null || base.warmMs <= 0) return { ...row, note: "the baseline has no warm time" };
    row.ratio = run.warmMs / base.warmMs;
    const samples = samplesOf(run);
    if (!samples || !baseSamples || samples.length < 2 || baseSamples.length < 2) return { ...row, note: "no samples: significance not available" };
    // Two separate runs: unpaired.
    const r = medianRatioOverBaseline(samples, baseSamples, { resamples: 2000, ...options.bootstrap });
    return { ...row, ratio: r.ratio, ci: { low: r.ci[0], high: r.ci[1], level: r.level }, significant: r.significant };
  });

  const memory = runs.map((run) => ({ runId: run.id, peakBytes: run.peakMemoryBytes, note: run.peakMemoryBytes === null ? "not measured" : null }));

  const baseOutputs = base.outcome.ok ? base.outcome.result.outputs : [];
  const parity = runs.slice(1).map((run) => {
    const outputs = run.outcome.ok ? run.outcome.result.outputs : [];
    const names = [...new Set([...baseOutputs, ...outputs].map((o) => o.name))];
    return {
      runId: run.id,
      outputs: names.map((name) => {
        const a = baseOutputs.find((o) => o.name === name);
        const b = outputs.find((o) => o.name === name);
        if (!a || !b) return { name, present: false, sameShape: null, identical: null, sum: b?.sum ?? null, sumAbsDiff: null };
        const sameShape = a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k]);
        return { name, present: true, sameShape, identical: a.sha256 === b.sha256, sum: b.sum, sumAbsDiff: toJsonFloat(Math.abs(fromJsonFloat(b.sum) - fromJsonFloat(a.sum))) };
      }),
    };
  });

  const sources = runs.slice(1).map((run) => {
    const source = run.sourceId ? options.source(run.sourceId) : null;
    if (!baseSource || !source) {
      const missing = [!baseSource ? base.id : null, !source ? run.id : null].filter((x) => x !== null);
      return { runId: run.id, identical: false, diff: "", note: `no source snapshot for run ${missing.join(" and ")}` };
    }
    if (baseSource.hash === source.hash) return { runId: run.id, identical: true, diff: "", note: null };
    return { runId: run.id, identical: false, diff: diffSources(baseSource, source, [`run ${base.id}`, `run ${run.id}`]), note: null };
  });

  const table = runs.map(settingsOf);
  const settings = (table[0] ?? []).map(([key], k) => {
    const values = table.map((row) => row[k]?.[1] ?? null);
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });

  return {
    runs: runs.map((r) => ({ id: r.id, uuid: r.uuid, session: r.sessionName, createdAt: r.createdAt, kind: r.kind, status: r.status, modelFile: r.modelFile })),
    latency,
    memory,
    parity,
    sources,
    settings: options.onlyDiff ? settings.filter((s) => s.differs) : settings,
    onlyDiff: options.onlyDiff ?? false,
  };
}
