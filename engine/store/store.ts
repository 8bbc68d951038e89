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
  SessionDetail,
  SessionInfo,
  SourceSnapshot,
} from "../../shared/sessions";
import type { GitInfo } from "./git";
import { defaultDbPath } from "./home";
import { migrate } from "./migrations";
import { type SessionRow, fromValues, now, summarize, toSavedOutcome, toSession, toSummary } from "./rows";
import { prepare } from "./statements";
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
        for (const a of this.stmt.orphanArtifacts.all()) this.removeArtifact(a);
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
   * `name`. The same bytes are stored once however many runs refer to them. A name the run already
   * has is pointed at the new bytes, unless `replace` is false: then other bytes are a conflict
   * (the same bytes again are not).
   */
  addArtifact(runId: number, name: string, bytes: Uint8Array, mediaType: string, options: { replace?: boolean } = {}): ArtifactInfo {
    return this.transaction(() => this.addArtifactInTransaction(runId, name, bytes, mediaType, options));
  }

  /** The body of addArtifact, for callers that already hold a write transaction (imports). */
  addArtifactInTransaction(runId: number, name: string, bytes: Uint8Array, mediaType: string, options: { replace?: boolean } = {}): ArtifactInfo {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const relative = path.posix.join("artifacts", hash.slice(0, 2), hash);
    if (!this.stmt.run.get(runId)) throw new StoreError("not-found", `no run with id ${runId}`);
    const previous = this.stmt.artifactOfRunByName.get(runId, name)?.hash;
    const replacing = previous !== undefined && previous !== hash;
    if (replacing && options.replace === false) throw new StoreError("conflict", `run ${runId} already has a different ${JSON.stringify(name)}`);
    const file = path.join(this.dir, relative);
    const known = this.stmt.artifact.get(hash) !== undefined;
    // Written under the write lock, so a concurrent delete of the same content cannot remove it.
    if (!known || !existsSync(file)) writeFileDurably(file, bytes);
    if (!known) this.stmt.insertArtifact.run(hash, relative, bytes.byteLength, mediaType, now());
    this.stmt.linkArtifact.run(runId, name, hash);
    // The bytes it replaced go when no other run uses them, as a session's do when it is deleted.
    const unused = replacing ? this.stmt.unusedArtifact.get(previous) : undefined;
    if (unused) this.removeArtifact(unused);
    return { name, hash, path: relative, bytes: bytes.byteLength, mediaType };
  }

  /** Forgets an artifact no run uses and removes its file (inside the caller's write transaction). */
  private removeArtifact(artifact: { hash: string; path: string }): void {
    this.stmt.deleteArtifact.run(artifact.hash);
    rmSync(path.join(this.dir, artifact.path), { force: true });
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

export { toSavedOutcome };
