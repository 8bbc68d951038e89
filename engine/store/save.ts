/**
 * Saving what a call produced into a named session (created if missing): a run's or an export's
 * outcome as one record, a benchmark as one record per batch size and variant. The CLI
 * (`--session NAME`) and the engine service both save through here. Each save is one transaction:
 * the records, their model sources and their artifacts go in together or not at all.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BenchOutcome } from "../../shared/bench";
import type { RunOutcome } from "../../shared/run";
import type { RunKind, SavedRef, SessionInfo } from "../../shared/sessions";
import { BENCH_ARTIFACT, BENCH_MEDIA_TYPE, benchRecords } from "./bench-records";
import { type Sources, snapshotSources } from "./snapshot";
import { type SaveOptions, type Store, StoreError } from "./store";

/** Where a call's outcome goes, and what the model was. */
export interface SaveTarget {
  session: string;
  modelFile: string;
  /** The editor's text that ran as `modelFile`, when the model came as source: it is what gets saved. */
  source?: string;
  /** What was asked for: fills mode, backend and seed of a run that failed before reporting them. */
  request?: SaveOptions["request"];
}

/** A file to keep with the saved run ("model.onnx"). */
export interface ArtifactFile {
  name: string;
  file: string;
  mediaType: string;
}

const refOf = (session: SessionInfo, runs: { id: number; uuid: string }[]): SavedRef => {
  const first = runs[0];
  if (!first) throw new StoreError("invalid", "nothing to save");
  return { session: session.name, sessionId: session.id, runId: first.id, uuid: first.uuid, ...(runs.length > 1 ? { runIds: runs.map((r) => r.id) } : {}) };
};

const sourcesOf = (target: SaveTarget): Promise<Sources | null> => snapshotSources(target.modelFile, target.source);

/** Saves a run's (kind "run") or an export's (kind "export") outcome, with its artifacts. */
export async function saveRunOutcome(store: Store, target: SaveTarget, kind: RunKind, outcome: RunOutcome, artifacts: readonly ArtifactFile[] = []): Promise<SavedRef> {
  const sources = await sourcesOf(target);
  // Read before the write lock is taken: a large ONNX file should not hold it.
  const files = artifacts.map((a) => ({ ...a, bytes: readFileSync(a.file) }));
  return store.transaction(() => {
    const session = store.ensureSession(target.session);
    const saved = store.saveRun(session.id, outcome, { kind, modelFile: target.modelFile, sources, request: target.request });
    for (const a of files) store.addArtifactInTransaction(saved.id, a.name, a.bytes, a.mediaType);
    return refOf(session, [saved]);
  });
}

/**
 * Saves a benchmark: one "bench" record per batch size and variant measured, each linked to the
 * whole result as bench.json. A benchmark that failed is saved as one failed record, like a run.
 */
export async function saveBenchOutcome(store: Store, target: SaveTarget, outcome: BenchOutcome): Promise<SavedRef> {
  if (!outcome.ok) return saveRunOutcome(store, target, "bench", { ok: false, error: outcome.error, logs: [], diagnostics: [] });
  const result = outcome.result;
  if (!result) throw new StoreError("invalid", "the benchmark measured only the machine's peak: there is no model result to save");
  const records = benchRecords(result);
  if (!records.length) throw new StoreError("invalid", "the benchmark measured no variant (stopped before the first block?): nothing to save");
  const sources = await sourcesOf(target);
  const bytes = new TextEncoder().encode(JSON.stringify(result));
  const modelFile = path.resolve(target.modelFile);
  return store.transaction(() => {
    const session = store.ensureSession(target.session);
    const createdAt = new Date().toISOString();
    const runs = records.map((r) => {
      const saved = store.insertRunInTransaction(session.id, {
        uuid: randomUUID(),
        createdAt,
        kind: "bench",
        modelFile,
        // Bench provenance already carries the git commit; toSavedOutcome is for RunOutcomes.
        outcome: r.outcome,
        sources,
        origin: "local",
        request: { mode: r.mode, backend: result.backend.name, seed: result.settings.seed },
      });
      store.addArtifactInTransaction(saved.id, BENCH_ARTIFACT, bytes, BENCH_MEDIA_TYPE);
      return saved;
    });
    return refOf(session, runs);
  });
}
