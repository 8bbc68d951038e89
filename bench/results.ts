/** The shape of one benchmark run's results, and the ratios derived from it within that run. */
import type { OverheadResult } from "./eager-overhead";
import type { LatencyResult } from "./mlp-latency";
import type { Provenance } from "./provenance";
import { type Summary, isNoisy } from "./stats";
import type { BlockPlan } from "./timer";
import type { PeerResult } from "./torch-peer";

export type Backend = "wasm" | "cpu";
export const BACKENDS: readonly Backend[] = ["wasm", "cpu"];

/** A measurement that could not be taken, with why; never replaced by an estimate. */
export interface Missing {
  status: "missing";
  reason: string;
}
export type Maybe<T> = ({ status: "ok" } & T) | Missing;

/** A ratio of medians, or "missing: <reason>" when either side is absent. */
export type Ratio = number | string;

export interface Ratios {
  tandemWasmOverTorch: Ratio;
  tandemCpuOverTorch: Ratio;
  wasmOverCpu: Ratio;
}

export interface BenchResults {
  schema: 1;
  provenance: Provenance;
  /** Threads each runtime computes with: tfjs wasm (no multithread build here) and cpu run on one. */
  threads: { tandemWasm: number; tandemCpu: number; torch: number | null };
  plans: { eager: BlockPlan; mlp: BlockPlan };
  eager: Record<Backend, Maybe<OverheadResult>>;
  mlp: Record<Backend, Maybe<LatencyResult>>;
  torch: PeerResult;
  ratios: { perOpAdd: Ratios; mlpForward: Ratios };
  warnings: string[];
}

function ratio(a: Summary | Missing, b: Summary | Missing): Ratio {
  if ("status" in a) return `missing: ${a.reason}`;
  if ("status" in b) return `missing: ${b.reason}`;
  return a.median / b.median;
}

const tandemAdd = (r: Maybe<OverheadResult>): Summary | Missing => (r.status === "ok" ? r.tandemUs : r);
const tandemMlp = (r: Maybe<LatencyResult>): Summary | Missing => (r.status === "ok" ? r.ms : r);

export function computeRatios(
  eager: BenchResults["eager"],
  mlp: BenchResults["mlp"],
  torch: PeerResult,
): BenchResults["ratios"] {
  const torchAdd = torch.status === "ok" ? torch.eagerAdd.us : torch;
  const torchMlp = torch.status === "ok" ? torch.mlp.ms : torch;
  return {
    perOpAdd: {
      tandemWasmOverTorch: ratio(tandemAdd(eager.wasm), torchAdd),
      tandemCpuOverTorch: ratio(tandemAdd(eager.cpu), torchAdd),
      wasmOverCpu: ratio(tandemAdd(eager.wasm), tandemAdd(eager.cpu)),
    },
    mlpForward: {
      tandemWasmOverTorch: ratio(tandemMlp(mlp.wasm), torchMlp),
      tandemCpuOverTorch: ratio(tandemMlp(mlp.cpu), torchMlp),
      wasmOverCpu: ratio(tandemMlp(mlp.wasm), tandemMlp(mlp.cpu)),
    },
  };
}

/** Everything a reader should distrust or know before quoting the numbers. */
export function collectWarnings(r: Omit<BenchResults, "warnings">): string[] {
  const out: string[] = [];
  const noisy = (label: string, s: Summary) => {
    if (isNoisy(s)) out.push(`noisy: ${label} IQR/median = ${(s.iqrOverMedian * 100).toFixed(0)}%`);
  };
  for (const b of BACKENDS) {
    const e = r.eager[b];
    if (e.status === "ok") {
      noisy(`${b} Tandem add`, e.tandemUs);
      noisy(`${b} raw tfjs add`, e.rawUs);
    } else out.push(`${b} eager overhead missing: ${e.reason}`);
    const m = r.mlp[b];
    if (m.status === "ok") noisy(`${b} MLP forward`, m.ms);
    else out.push(`${b} MLP missing: ${m.reason}`);
  }
  if (r.torch.status === "ok") {
    noisy("torch add", r.torch.eagerAdd.us);
    noisy("torch MLP forward", r.torch.mlp.ms);
    if (r.torch.openblasNote) out.push(r.torch.openblasNote);
    for (const b of BACKENDS) {
      const m = r.mlp[b];
      const t = r.torch.mlp;
      if (m.status === "ok" && (m.parameters !== t.parameters || m.outputShape.join() !== t.outputShape.join())) {
        out.push(
          `torch MLP differs from ${m.file} on ${b}: ${t.parameters} vs ${m.parameters} parameters, ` +
            `output [${t.outputShape.join(", ")}] vs [${m.outputShape.join(", ")}]`,
        );
      }
    }
  } else out.push(`torch peer missing: ${r.torch.reason}`);
  const load = r.provenance.loadAvg1m;
  if (load > r.provenance.cores / 2) {
    out.push(`machine busy at start: 1-min load ${load.toFixed(2)} on ${r.provenance.cores} cores`);
  }
  if (r.provenance.gitDirty === true) out.push("working tree has uncommitted changes: the commit alone does not identify the code measured");
  return out;
}
