/**
 * A bench result as saved runs: one record per (batch size × variant), each a RunResult-shaped
 * outcome, so that sessions list, show and compare bench measurements as they do runs. The mode is
 * the variant's name ("graph:ort@2t"); the warm timings are the variant's median, p90, n and its
 * samples (what `sessions compare` bootstraps a CI from); the cold forward is the variant's first
 * run timed during set-up; the memory is the RSS peak seen while its blocks ran. The whole
 * BenchResult goes beside each record as the "bench.json" artifact (stored once, by content).
 */
import type { BenchCase, BenchResult, BenchVariant, ColdCosts, Missing } from "../../shared/bench";
import type { SavedOutcome, SavedProvenance } from "../../shared/sessions";

export const BENCH_ARTIFACT = "bench.json";
export const BENCH_MEDIA_TYPE = "application/json";

/** One record to save, with the request fields a listing shows. */
export interface BenchRecord {
  mode: string;
  batch: number | null;
  outcome: Extract<SavedOutcome, { ok: true }>;
}

const known = (v: number | Missing): number | null => (typeof v === "number" ? v : null);

/** The first run of the variant, timed when it was set up; null when set-up did not time one. */
export function coldForward(cold: ColdCosts, v: Pick<BenchVariant, "mode" | "threads">): number | null {
  switch (v.mode) {
    case "eager":
      return known(cold.eagerFirstRunMs);
    case "graph:tfjs":
      return known(cold.planFirstRunMs);
    case "graph:ort":
    case "ort-bare":
      return cold.ortSessions.find((s) => s.threads === v.threads && s.bare === (v.mode === "ort-bare"))?.firstRunMs ?? null;
  }
}

function provenanceOf(result: BenchResult): SavedProvenance {
  const p = result.provenance;
  return { tandemVersion: p.tandemVersion, node: p.node, platform: p.platform, cpu: p.cpu, time: p.time, gitCommit: p.gitCommit, gitDirty: p.gitDirty };
}

function record(result: BenchResult, c: BenchCase, v: BenchVariant): BenchRecord {
  const cold = coldForward(c.cold, v);
  const mem = c.memory.variants.find((m) => m.name === v.name);
  const peak = mem ? known(mem.peakBytes) : null;
  const rise = mem ? known(mem.peakRiseBytes) : null;
  return {
    mode: v.name,
    batch: c.batch,
    outcome: {
      ok: true,
      result: {
        file: result.file,
        sourceHash: result.sourceHash,
        mode: v.name,
        backend: result.backend,
        seed: result.settings.seed,
        model: { className: result.model.className, parameters: result.model.parameters, parameterBytes: result.model.parameterBytes },
        inputs: c.inputs,
        // A benchmark keeps no output values: parity is `tandem check`'s.
        outputs: [],
        timings: {
          compileMs: c.cold.compileMs,
          constructMs: c.cold.constructMs,
          // Always timed for a variant that was measured; the first sample stands in otherwise (see coldNote).
          firstForwardMs: cold ?? v.samples[0] ?? v.ms.median,
          warmForwardMs: v.ms.median,
          p90ForwardMs: v.ms.p90,
          warmRuns: v.ms.n,
          samplesMs: v.samples,
        },
        memory: {
          source: c.memory.source,
          samples: mem?.samples ?? 0,
          // The RSS where its blocks started: the peak less the highest rise above that start.
          baselineBytes: peak !== null && rise !== null ? peak - rise : null,
          peakBytes: peak,
        },
        logs: [],
        graph: null,
        diagnostics: [],
        provenance: provenanceOf(result),
        bench: {
          variant: v.name,
          batch: c.batch,
          threads: v.threads,
          threadsNote: v.threadsNote,
          callsPerBlock: v.callsPerBlock,
          ms: v.ms,
          noisy: v.noisy,
          gflops: v.gflops,
          pctOfPeak: v.pctOfPeak,
          rounds: c.rounds,
          stopReason: c.stopReason,
          interrupted: result.interrupted,
          ...(cold === null ? { coldNote: "set-up timed no first run: firstForwardMs is the first timed sample" } : {}),
        },
      },
    },
  };
}

/** Every measured variant of every batch size, in the result's order. */
export function benchRecords(result: BenchResult): BenchRecord[] {
  return result.cases.flatMap((c) => c.variants.map((v) => record(result, c, v)));
}
