import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import type { RunOutcome } from "../../shared/run";
import type {
  ArtifactInfo,
  RunKind,
  RunRecord,
  RunSummary,
  SavedOutcome,
  SavedProvenance,
  SessionDetail,
  SessionInfo,
  SourceSnapshot,
} from "../../shared/sessions";
import { provenance } from "../worker/provenance";
import { type GitInfo, tandemGit } from "./git";
import { defaultDbPath } from "./home";
import { migrate } from "./migrations";
import { hashSources, type Sources } from "./snapshot";

/** A request the store cannot honour because of what it was asked (unknown id, taken name): exit 1. */
export class StoreError extends Error {
  constructor(
    readonly code: "not-found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export interface SaveOptions {
  kind: RunKind;
  modelFile: string;
  /** The model's sources (see snapshotSources); or `sourceText`, the entry file's text alone. */
  sources?: Sources | null;
  sourceText?: string;
  /** What was asked for: fills mode, backend and seed of a run that failed before reporting them. */
  request?: { mode?: string; backend?: string; seed?: number };
  /** Defaults to Tandem's checkout as git sees it now. */
  git?: GitInfo;
}

/** What `saveRun` stored: the run's id here and its UUID everywhere. */
export interface SavedRun {
  id: number;
  uuid: string;
}

/** A run as it goes into the database, already in its saved form (imports give it verbatim). */
export interface RunInsert {
  uuid: string;
  createdAt: string;
  kind: RunKind;
  modelFile: string;
  outcome: SavedOutcome;
  sources: Sources | null;
  origin: string;
  request?: SaveOptions["request"];
}

interface SessionRow {
  id: number;
  name: string;
  notes: string;
  created_at: string;
  updated_at: string;
  run_count: number;
  last_run_at: string | null;
}

interface RunRow {
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
}

const SUMMARY_COLUMNS = `r.id, r.uuid, r.session_id, r.created_at, r.kind, r.model_file, r.source_hash, r.source_id, r.mode,
  r.backend, r.backend_version, r.seed, r.status, r.error_kind, r.error_message, r.cold_ms, r.warm_ms,
  r.peak_memory_bytes, r.tandem_version, r.git_commit, r.origin`;

// Both subqueries are answered from the runs_by_session index (the last run is the one with the highest id).
const SESSION_COLUMNS = `s.id, s.name, s.notes, s.created_at, s.updated_at,
  (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.id) AS run_count,
  (SELECT r.created_at FROM runs r WHERE r.session_id = s.id ORDER BY r.id DESC LIMIT 1) AS last_run_at`;

const now = (): string => new Date().toISOString();

function toSession(row: SessionRow): SessionInfo {
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
type RunRowValues = [number, string, number, string, RunKind, string, string | null, string | null, string | null, string | null, string | null, number | null, "ok" | "error", string | null, string | null, number | null, number | null, number | null, string | null, string | null, string];

function fromValues(v: RunRowValues): RunSummary {
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
  };
}

function toSummary(row: RunRow): RunSummary {
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
  };
}

/** Peak memory, for results that measure it (`memory.peakBytes`); today's RunResult does not. */
function peakMemory(result: object): number | null {
  const memory = (result as { memory?: { peakBytes?: unknown } }).memory;
  return typeof memory?.peakBytes === "number" ? memory.peakBytes : null;
}

/** The columns a listing shows, read out of the saved outcome. */
function summarize(outcome: SavedOutcome, request: SaveOptions["request"]) {
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

/** Every statement the store runs, prepared once per connection. */
function prepare(db: Database.Database) {
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

/**
 * The sessions database. One instance per process is enough; several processes (the CLI, the GUI)
 * may have it open at once: writes are serialized by SQLite's lock and wait up to `busy_timeout`.
 */
export class Store {
  readonly db: Database.Database;
  /** The directory that holds the database and its artifacts/ folder. */
  readonly dir: string;
  private readonly stmt: ReturnType<typeof prepare>;

  constructor(readonly file: string) {
    this.dir = path.dirname(file);
    mkdirSync(this.dir, { recursive: true });
    this.db = new Database(file);
    try {
      // Set first: the pragmas below and the migration may have to wait for another process.
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("journal_mode = WAL");
      // Durability: in WAL mode a commit appends to the -wal file with write(2) before it returns, so
      // a killed process (SIGKILL, a crash) keeps every committed transaction; NORMAL only skips the
      // fsync at each commit, so an OS crash or power cut can lose the last few commits (never
      // corrupt the file). FULL would fsync every save, several ms each on most disks.
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.stmt = prepare(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `body` in one IMMEDIATE (write-locked) transaction: all of it is saved, or none. */
  transaction<T>(body: () => T): T {
    return this.db.transaction(body).immediate();
  }

  /** Stores a source snapshot (once per content) and returns its hash; inside a transaction for imports. */
  putSources(sources: Sources, origin: string): string {
    const hash = hashSources(sources.files);
    this.stmt.insertSource.run(hash, sources.entry, JSON.stringify(sources.files), origin, now());
    return hash;
  }

  // ---- sessions --------------------------------------------------------------------------------

  /** The session called `name`, created if there is none. */
  ensureSession(name: string): SessionInfo {
    const trimmed = name.trim();
    if (!trimmed) throw new StoreError("invalid", "a session name cannot be empty");
    return this.db
      .transaction(() => {
        const t = now();
        this.stmt.insertSession.run(trimmed, t, t);
        return toSession(this.stmt.sessionByName.get(trimmed) as SessionRow);
      })
      .immediate();
  }

  /**
   * A session by id or by name. A string of digits is tried as an id first, then as a name, so a
   * session named "42" stays reachable by name when no session has id 42.
   */
  findSession(ref: number | string): SessionInfo | null {
    const text = String(ref).trim();
    const row = (/^\d+$/.test(text) ? this.stmt.sessionById.get(Number(text)) : undefined) ?? this.stmt.sessionByName.get(text);
    return row ? toSession(row) : null;
  }

  /** Like findSession, but an unknown session is a StoreError ("not-found"). */
  requireSession(ref: number | string): SessionInfo {
    const session = this.findSession(ref);
    if (!session) throw new StoreError("not-found", `no session ${JSON.stringify(String(ref))} (see \`tandem sessions list\`)`);
    return session;
  }

  listSessions(): SessionInfo[] {
    return this.stmt.sessions.all().map(toSession);
  }

  /** A session with the summaries of its runs, oldest first; null when there is none. */
  getSession(ref: number | string): SessionDetail | null {
    return this.db
      .transaction(() => {
        const session = this.findSession(ref);
        return session ? { ...session, runs: this.stmt.runsOfSession.all(session.id).map(fromValues) } : null;
      })
      .deferred();
  }

  renameSession(ref: number | string, newName: string): SessionInfo {
    const name = newName.trim();
    if (!name) throw new StoreError("invalid", "a session name cannot be empty");
    return this.db
      .transaction(() => {
        const session = this.requireSession(ref);
        const other = this.stmt.sessionByName.get(name);
        if (other && other.id !== session.id) throw new StoreError("conflict", `a session named ${JSON.stringify(name)} already exists (id ${other.id})`);
        this.stmt.renameSession.run(name, now(), session.id);
        return this.requireSession(session.id);
      })
      .immediate();
  }

  setNotes(ref: number | string, notes: string): SessionInfo {
    return this.db
      .transaction(() => {
        const session = this.requireSession(ref);
        this.stmt.setNotes.run(notes, now(), session.id);
        return this.requireSession(session.id);
      })
      .immediate();
  }

  /**
   * Deletes a session and its runs (ON DELETE CASCADE), then the sources and artifacts no run uses
   * any more. Artifact files are removed inside the write transaction, so a concurrent save of the
   * same artifact (which writes its file under the same lock) cannot lose its file.
   */
  deleteSession(ref: number | string): { session: SessionInfo; runs: number } {
    return this.db
      .transaction(() => {
        const session = this.requireSession(ref);
        this.stmt.deleteSession.run(session.id);
        this.stmt.deleteOrphanSources.run();
        for (const a of this.stmt.orphanArtifacts.all()) {
          this.stmt.deleteArtifact.run(a.hash);
          rmSync(path.join(this.dir, a.path), { force: true });
        }
        return { session, runs: session.runCount };
      })
      .immediate();
  }

  // ---- runs ------------------------------------------------------------------------------------

  /**
   * Saves a run's outcome into a session, with its model sources and the git commit. When this
   * returns, the run is committed: a process killed right after keeps it.
   */
  saveRun(sessionId: number, outcome: RunOutcome, options: SaveOptions): SavedRun {
    const sources = options.sources ?? (options.sourceText === undefined ? null : { entry: path.basename(options.modelFile), files: [{ path: path.basename(options.modelFile), text: options.sourceText }] });
    return this.insertRun(sessionId, {
      uuid: randomUUID(),
      createdAt: now(),
      kind: options.kind,
      modelFile: path.resolve(options.modelFile),
      outcome: toSavedOutcome(outcome, options.git),
      sources,
      origin: "local",
      request: options.request,
    });
  }

  /** Inserts a run in its saved form (also what bundle imports use) in one transaction. */
  insertRun(sessionId: number, run: RunInsert): SavedRun {
    return this.db.transaction(() => this.insertRunInTransaction(sessionId, run)).immediate();
  }

  /** The body of insertRun, for callers that already hold a transaction (imports). */
  insertRunInTransaction(sessionId: number, run: RunInsert): SavedRun {
    if (!this.stmt.sessionById.get(sessionId)) throw new StoreError("not-found", `no session with id ${sessionId}`);
    const sourceId = run.sources ? this.putSources(run.sources, run.origin) : null;
    const info = this.stmt.insertRun.run({
      uuid: run.uuid,
      session_id: sessionId,
      created_at: run.createdAt,
      kind: run.kind,
      model_file: run.modelFile,
      source_id: sourceId,
      origin: run.origin,
      outcome: JSON.stringify(run.outcome),
      ...summarize(run.outcome, run.request),
    });
    this.stmt.touchSession.run(now(), sessionId);
    return { id: Number(info.lastInsertRowid), uuid: run.uuid };
  }

  hasRunUuid(uuid: string): boolean {
    return this.stmt.runIdByUuid.get(uuid) !== undefined;
  }

  /** A run with its whole outcome, by id or UUID; null when there is none. */
  getRun(ref: number | string): RunRecord | null {
    const text = String(ref).trim();
    const id = /^\d+$/.test(text) ? Number(text) : this.stmt.runIdByUuid.get(text)?.id;
    if (id === undefined) return null;
    const row = this.stmt.run.get(id);
    if (!row) return null;
    return {
      ...toSummary(row),
      sessionName: row.session_name,
      outcome: JSON.parse(row.outcome) as SavedOutcome,
      artifacts: this.listArtifacts(row.id),
    };
  }

  requireRun(ref: number | string): RunRecord {
    const run = this.getRun(ref);
    if (!run) throw new StoreError("not-found", `no run ${JSON.stringify(String(ref))} (run ids are listed by \`tandem sessions show <session>\`)`);
    return run;
  }

  /** Run summaries across all sessions, newest first. */
  listRuns(options: { limit?: number; offset?: number } = {}): RunSummary[] {
    return this.stmt.runs.all(options.limit ?? -1, options.offset ?? 0).map(fromValues);
  }

  getSource(hash: string): SourceSnapshot | null {
    const row = this.stmt.source.get(hash);
    if (!row) return null;
    return { hash: row.hash, entry: row.entry, files: JSON.parse(row.files) as SourceSnapshot["files"], origin: row.origin };
  }

  // ---- artifacts -------------------------------------------------------------------------------

  /**
   * Keeps `bytes` as a file beside the database, named by its sha256, and links it to a run under
   * `name`. The same bytes are stored once however many runs refer to them.
   */
  addArtifact(runId: number, name: string, bytes: Uint8Array, mediaType: string): ArtifactInfo {
    return this.transaction(() => this.addArtifactInTransaction(runId, name, bytes, mediaType));
  }

  /** The body of addArtifact, for callers that already hold a write transaction (imports). */
  addArtifactInTransaction(runId: number, name: string, bytes: Uint8Array, mediaType: string): ArtifactInfo {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const relative = path.posix.join("artifacts", hash.slice(0, 2), hash);
    if (!this.stmt.run.get(runId)) throw new StoreError("not-found", `no run with id ${runId}`);
    const file = path.join(this.dir, relative);
    const known = this.stmt.artifact.get(hash) !== undefined;
    // Written under the write lock, so a concurrent delete of the same content cannot remove it.
    if (!known || !existsSync(file)) writeFileDurably(file, bytes);
    if (!known) this.stmt.insertArtifact.run(hash, relative, bytes.byteLength, mediaType, now());
    this.stmt.linkArtifact.run(runId, name, hash);
    return { name, hash, path: relative, bytes: bytes.byteLength, mediaType };
  }

  listArtifacts(runId: number): ArtifactInfo[] {
    return this.stmt.artifactsOfRun.all(runId).map((a) => ({ name: a.name, hash: a.hash, path: a.path, bytes: a.bytes, mediaType: a.media_type }));
  }

  /** The absolute path of an artifact's file. */
  artifactFile(artifact: Pick<ArtifactInfo, "path">): string {
    return path.join(this.dir, artifact.path);
  }
}

/** Write to a temporary name, fsync, rename: a reader never sees half a file, and a crash leaves none. */
function writeFileDurably(file: string, bytes: Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    for (let written = 0; written < bytes.byteLength; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Opens (creating and migrating as needed) the sessions database: `$TANDEM_HOME/tandem.db` by default. */
export function openStore(file: string = defaultDbPath()): Store {
  return new Store(path.resolve(file));
}
