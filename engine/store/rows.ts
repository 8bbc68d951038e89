import type { RunOutcome } from "../../shared/run";
import type { RunKind, RunSummary, SavedOutcome, SavedProvenance, SessionInfo } from "../../shared/sessions";
import { provenance } from "../model/provenance";
import { type GitInfo, tandemGit } from "./git";
import type { SaveOptions } from "./store";

/** The database's rows and the shapes the store returns them in; the saved outcome's summary columns. */

export interface SessionRow {
  id: number;
  name: string;
  notes: string;
  created_at: string;
  updated_at: string;
  run_count: number;
  last_run_at: string | null;
}

export interface RunRow {
  id: number;
  uuid: string;
  session_id: number;
  created_at: string;
  kind: RunKind;
  model_file: string;
  source_hash: string | null;
  source_id: string | null;
  mode: string | null;
  backend: string | null;
  backend_version: string | null;
  seed: number | null;
  status: "ok" | "error";
  error_kind: string | null;
  error_message: string | null;
  cold_ms: number | null;
  warm_ms: number | null;
  peak_memory_bytes: number | null;
  tandem_version: string | null;
  git_commit: string | null;
  origin: string;
  artifact_count: number;
}

// The artifact count is answered from run_artifacts' primary key (run_id, name).
export const SUMMARY_COLUMNS = `r.id, r.uuid, r.session_id, r.created_at, r.kind, r.model_file, r.source_hash, r.source_id, r.mode,
  r.backend, r.backend_version, r.seed, r.status, r.error_kind, r.error_message, r.cold_ms, r.warm_ms,
  r.peak_memory_bytes, r.tandem_version, r.git_commit, r.origin,
  (SELECT COUNT(*) FROM run_artifacts ra WHERE ra.run_id = r.id) AS artifact_count`;

// Both subqueries are answered from the runs_by_session index (the last run is the one with the highest id).
export const SESSION_COLUMNS = `s.id, s.name, s.notes, s.created_at, s.updated_at,
  (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.id) AS run_count,
  (SELECT r.created_at FROM runs r WHERE r.session_id = s.id ORDER BY r.id DESC LIMIT 1) AS last_run_at`;

export const now = (): string => new Date().toISOString();

export function toSession(row: SessionRow): SessionInfo {
  return {
    id: row.id,
    name: row.name,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: row.run_count,
    lastRunAt: row.last_run_at,
  };
}

/** A run row as an array, in SUMMARY_COLUMNS order. */
export type RunRowValues = [number, string, number, string, RunKind, string, string | null, string | null, string | null, string | null, string | null, number | null, "ok" | "error", string | null, string | null, number | null, number | null, number | null, string | null, string | null, string, number];

export function fromValues(v: RunRowValues): RunSummary {
  return {
    id: v[0],
    uuid: v[1],
    sessionId: v[2],
    createdAt: v[3],
    kind: v[4],
    modelFile: v[5],
    sourceHash: v[6],
    sourceId: v[7],
    mode: v[8],
    backend: v[9],
    backendVersion: v[10],
    seed: v[11],
    status: v[12],
    errorKind: v[13],
    errorMessage: v[14],
    coldMs: v[15],
    warmMs: v[16],
    peakMemoryBytes: v[17],
    tandemVersion: v[18],
    gitCommit: v[19],
    origin: v[20],
    artifactCount: v[21],
  };
}

export function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    uuid: row.uuid,
    sessionId: row.session_id,
    createdAt: row.created_at,
    kind: row.kind,
    modelFile: row.model_file,
    sourceHash: row.source_hash,
    sourceId: row.source_id,
    mode: row.mode,
    backend: row.backend,
    backendVersion: row.backend_version,
    seed: row.seed,
    status: row.status,
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    coldMs: row.cold_ms,
    warmMs: row.warm_ms,
    peakMemoryBytes: row.peak_memory_bytes,
    tandemVersion: row.tandem_version,
    gitCommit: row.git_commit,
    origin: row.origin,
    artifactCount: row.artifact_count,
  };
}

/** Peak memory, for results that measure it (`memory.peakBytes`; results saved before it have none). */
function peakMemory(result: object): number | null {
  const memory = (result as { memory?: { peakBytes?: unknown } }).memory;
  return typeof memory?.peakBytes === "number" ? memory.peakBytes : null;
}

/** The columns a listing shows, read out of the saved outcome. */
export function summarize(outcome: SavedOutcome, request: SaveOptions["request"]) {
  if (outcome.ok) {
    const r = outcome.result;
    return {
      source_hash: r.sourceHash,
      mode: r.mode,
      backend: r.backend.name,
      backend_version: r.backend.version,
      seed: r.seed,
      status: "ok",
      error_kind: null,
      error_message: null,
      cold_ms: r.timings.firstForwardMs,
      warm_ms: r.timings.warmForwardMs,
      peak_memory_bytes: peakMemory(r),
      tandem_version: r.provenance.tandemVersion,
      git_commit: r.provenance.gitCommit,
    };
  }
  return {
    source_hash: null,
    mode: request?.mode ?? null,
    backend: request?.backend ?? null,
    backend_version: null,
    seed: request?.seed ?? null,
    status: "error",
    error_kind: outcome.error.kind,
    error_message: outcome.error.message,
    cold_ms: null,
    warm_ms: null,
    peak_memory_bytes: null,
    tandem_version: outcome.provenance.tandemVersion,
    git_commit: outcome.provenance.gitCommit,
  };
}

/** The outcome in its saved form: provenance completed with the git commit, for failures too. */
export function toSavedOutcome(outcome: RunOutcome, git: GitInfo = tandemGit()): SavedOutcome {
  const extra = { gitCommit: git.commit, gitDirty: git.dirty };
  if (outcome.ok) return { ...outcome, result: { ...outcome.result, provenance: { ...outcome.result.provenance, ...extra } } };
  const saved: SavedProvenance = { ...provenance(), ...extra };
  return { ...outcome, provenance: saved };
}
