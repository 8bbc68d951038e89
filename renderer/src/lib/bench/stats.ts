import type { BenchCase, BenchResult, Missing, OpProfile } from "../../../../shared/bench";
import type { Row } from "../data-export";
import { isMissing, num } from "./common";

/** The statistics, ratio and cold-cost tables. */


export interface StatsRow extends Row {
  batch: number | null;
  variant: string;
  mode: string;
  threads: number;
  n: number;
  medianMs: number;
  ciLowMs: number;
  ciHighMs: number;
  p90Ms: number;
  p99Ms: number;
  minMs: number;
  iqrMs: number;
  iqrOverMedian: number;
  noisy: boolean;
  gflops: number | null;
  pctOfPeak: number | null;
  callsPerBlock: number;
  threadsNote: string;
  /** How the variant ran, when that needs saying ("ran as 2 compiled segments with eager glue..."). */
  note: string;
}

export function statsRows(result: BenchResult): StatsRow[] {
  return result.cases.flatMap((c) =>
    c.variants.map((v) => ({
      batch: c.batch,
      variant: v.name,
      mode: v.mode,
      threads: v.threads,
      n: v.ms.n,
      medianMs: v.ms.median,
      ciLowMs: v.ms.medianCi[0],
      ciHighMs: v.ms.medianCi[1],
      p90Ms: v.ms.p90,
      p99Ms: v.ms.p99,
      minMs: v.ms.min,
      iqrMs: v.ms.iqr,
      iqrOverMedian: v.ms.iqrOverMedian,
      noisy: v.noisy,
      gflops: num(v.gflops),
      pctOfPeak: num(v.pctOfPeak),
      callsPerBlock: v.callsPerBlock,
      threadsNote: v.threadsNote,
      note: v.note ?? "",
    })),
  );
}

export interface RatioRow extends Row {
  batch: number | null;
  a: string;
  b: string;
  /** time(a) / time(b) of the medians, its bootstrap 95% CI, and the ratio of the minimums. */
  ratio: number;
  ciLow: number;
  ciHigh: number;
  minRatio: number;
}

export function ratioRows(result: BenchResult): RatioRow[] {
  return result.cases.flatMap((c) => c.ratios.map((r) => ({ batch: c.batch, a: r.a, b: r.b, ratio: r.ratio, ciLow: r.ci[0], ciHigh: r.ci[1], minRatio: r.minRatio })));
}

/**
 * A time ratio a/b in words, with its CI the same way round: "2.13× faster [1.65–2.60]" for 0.47.
 * `clear` is whether the CI leaves out 1 (the difference is more than noise).
 */
export function ratioWords(row: Pick<RatioRow, "ratio" | "ciLow" | "ciHigh">): { text: string; ci: string; faster: boolean; clear: boolean } {
  const faster = row.ratio < 1;
  const f = (v: number) => v.toFixed(2);
  const [lo, hi] = faster ? [1 / row.ciHigh, 1 / row.ciLow] : [row.ciLow, row.ciHigh];
  const clear = row.ciHigh < 1 || row.ciLow > 1;
  return { text: `${f(faster ? 1 / row.ratio : row.ratio)}× ${faster ? "faster" : "slower"}`, ci: `${f(lo)}–${f(hi)}`, faster, clear };
}

export interface ColdRow extends Row {
  batch: number | null;
  phase: string;
  ms: number | null;
  /** Why it was not measured. */
  note: string | null;
}

const COLD_PHASES: [keyof BenchCase["cold"], string][] = [
  ["compileMs", "compile"],
  ["constructMs", "construct"],
  ["eagerFirstRunMs", "eager first run"],
  ["traceMs", "trace"],
  ["passesMs", "passes"],
  ["planCompileMs", "plan compile"],
  ["planFirstRunMs", "plan first run"],
  ["exportMs", "ONNX export"],
];

/** One-off costs per batch size: compile to export, then each onnxruntime session's creation and first run. */
export function coldRows(result: BenchResult): ColdRow[] {
  return result.cases.flatMap((c) => [
    ...COLD_PHASES.map(([key, phase]) => {
      const v = c.cold[key] as number | Missing;
      return { batch: c.batch, phase, ms: num(v), note: isMissing(v) ? v.missing : null };
    }),
    ...c.cold.ortSessions.flatMap((s) => {
      const who = `${s.bare ? "bare onnxruntime" : "onnxruntime"} ${s.threads}t`;
      return [
        { batch: c.batch, phase: `${who} session`, ms: s.sessionMs, note: null },
        { batch: c.batch, phase: `${who} first run`, ms: s.firstRunMs, note: null },
      ];
    }),
  ]);
}

/** What one profile covers against the timed median: "profile sums to 1.62 ms of a 1.50 ms median". */
export function coverage(p: OpProfile, c: BenchCase): { profiledMs: number; medianMs: number | null } {
  return { profiledMs: p.profiledMsPerForward, medianMs: c.variants.find((v) => v.name === p.variant)?.ms.median ?? null };
}
