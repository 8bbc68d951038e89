import type Database from "better-sqlite3";
import { type RunRow, type RunRowValues, SESSION_COLUMNS, type SessionRow, SUMMARY_COLUMNS } from "./rows";

/** Every statement the store runs, prepared once per connection. */
export function prepare(db: Database.Database) {
  return {
    sessionById: db.prepare<[number], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`),
    sessionByName: db.prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.name = ?`),
    sessions: db.prepare<[], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions s ORDER BY s.updated_at DESC, s.id DESC`),
    insertSession: db.prepare<[string, string, string]>(
      "INSERT INTO sessions (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
    ),
    touchSession: db.prepare<[string, number]>("UPDATE sessions SET updated_at = ? WHERE id = ?"),
    renameSession: db.prepare<[string, string, number]>("UPDATE sessions SET name = ?, updated_at = ? WHERE id = ?"),
    setNotes: db.prepare<[string, string, number]>("UPDATE sessions SET notes = ?, updated_at = ? WHERE id = ?"),
    deleteSession: db.prepare<[number]>("DELETE FROM sessions WHERE id = ?"),
    insertSource: db.prepare<[string, string, string, string, string]>(
      "INSERT INTO sources (hash, entry, files, origin, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
    ),
    source: db.prepare<[string], { hash: string; entry: string; files: string; origin: string }>(
      "SELECT hash, entry, files, origin FROM sources WHERE hash = ?",
    ),
    deleteOrphanSources: db.prepare("DELETE FROM sources WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.source_id = sources.hash)"),
    insertRun: db.prepare(
      `INSERT INTO runs (uuid, session_id, created_at, kind, model_file, source_hash, source_id, mode, backend,
         backend_version, seed, status, error_kind, error_message, cold_ms, warm_ms, peak_memory_bytes,
         tandem_version, git_commit, origin, outcome)
       VALUES (@uuid, @session_id, @created_at, @kind, @model_file, @source_hash, @source_id, @mode, @backend,
         @backend_version, @seed, @status, @error_kind, @error_message, @cold_ms, @warm_ms, @peak_memory_bytes,
         @tandem_version, @git_commit, @origin, @outcome)`,
    ),
    runIdByUuid: db.prepare<[string], { id: number }>("SELECT id FROM runs WHERE uuid = ?"),
    run: db.prepare<[number], RunRow & { outcome: string; session_name: string }>(
      `SELECT ${SUMMARY_COLUMNS}, r.outcome, s.name AS session_name FROM runs r JOIN sessions s ON s.id = r.session_id WHERE r.id = ?`,
    ),
    // Listings fetch rows as arrays: better-sqlite3 builds them about twice as fast as objects.
    runsOfSession: db.prepare<[number], RunRowValues>(`SELECT ${SUMMARY_COLUMNS} FROM runs r WHERE r.session_id = ? ORDER BY r.id`).raw(),
    runs: db.prepare<[number, number], RunRowValues>(`SELECT ${SUMMARY_COLUMNS} FROM runs r ORDER BY r.id DESC LIMIT ? OFFSET ?`).raw(),
    artifactsOfRun: db.prepare<[number], { name: string; hash: string; path: string; bytes: number; media_type: string }>(
      `SELECT ra.name, a.hash, a.path, a.bytes, a.media_type FROM run_artifacts ra JOIN artifacts a ON a.hash = ra.artifact_hash
       WHERE ra.run_id = ? ORDER BY ra.name`,
    ),
    artifact: db.prepare<[string], { hash: string }>("SELECT hash FROM artifacts WHERE hash = ?"),
    artifactOfRunByName: db.prepare<[number, string], { hash: string }>("SELECT artifact_hash AS hash FROM run_artifacts WHERE run_id = ? AND name = ?"),
    unusedArtifact: db.prepare<[string], { hash: string; path: string }>(
      "SELECT hash, path FROM artifacts WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM run_artifacts ra WHERE ra.artifact_hash = artifacts.hash)",
    ),
    insertArtifact: db.prepare<[string, string, number, string, string]>(
      "INSERT INTO artifacts (hash, path, bytes, media_type, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    linkArtifact: db.prepare<[number, string, string]>(
      "INSERT INTO run_artifacts (run_id, name, artifact_hash) VALUES (?, ?, ?) ON CONFLICT(run_id, name) DO UPDATE SET artifact_hash = excluded.artifact_hash",
    ),
    orphanArtifacts: db.prepare<[], { hash: string; path: string }>(
      "SELECT hash, path FROM artifacts WHERE NOT EXISTS (SELECT 1 FROM run_artifacts ra WHERE ra.artifact_hash = artifacts.hash)",
    ),
    deleteArtifact: db.prepare<[string]>("DELETE FROM artifacts WHERE hash = ?"),
  };
}
