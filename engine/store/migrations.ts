import type Database from "better-sqlite3";

/**
 * The schema, as an append-only list: migration i takes a database from `user_version` i to i + 1.
 * Never edit a migration that has shipped; add one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: sessions, runs, content-addressed sources and artifacts.
  `
  CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );

  -- A model's sources as they were when it ran: the entry file and the relative files it imports.
  CREATE TABLE sources (
    hash        TEXT PRIMARY KEY,           -- sha256 over (path, text) of every file, in path order
    entry       TEXT NOT NULL,              -- the model file's name, relative to its directory
    files       TEXT NOT NULL,              -- JSON [{ path, text }], entry included
    origin      TEXT NOT NULL DEFAULT 'local',
    created_at  TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE runs (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,  -- the same on every machine: bundles are keyed by it
    session_id        INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at        TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('run', 'bench', 'export')),
    model_file        TEXT NOT NULL,
    source_hash       TEXT,                  -- what the worker hashed; NULL when it failed before compiling
    source_id         TEXT REFERENCES sources(hash),
    mode              TEXT,
    backend           TEXT,
    backend_version   TEXT,
    seed              INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error_kind        TEXT,
    error_message     TEXT,
    cold_ms           REAL,
    warm_ms           REAL,
    peak_memory_bytes INTEGER,
    tandem_version    TEXT,
    git_commit        TEXT,
    origin            TEXT NOT NULL DEFAULT 'local',
    outcome           TEXT NOT NULL          -- the whole saved RunOutcome, JSON
  );
  CREATE INDEX runs_by_session ON runs(session_id, id);
  CREATE INDEX runs_by_source ON runs(source_id);

  -- Files (ONNX models, charts) kept beside the database under artifacts/, named by their sha256.
  CREATE TABLE artifacts (
    hash        TEXT PRIMARY KEY,
    path        TEXT NOT NULL,              -- relative to the directory of the database
    bytes       INTEGER NOT NULL,
    media_type  TEXT NOT NULL,
    created_at  TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE run_artifacts (
    run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
    PRIMARY KEY (run_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX run_artifacts_by_hash ON run_artifacts(artifact_hash);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** A database made by a newer Tandem: refuse it rather than write what that version cannot read. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number) {
    super(`the sessions database has schema version ${found}, newer than this Tandem understands (${SCHEMA_VERSION}); update Tandem`);
    this.name = "SchemaTooNewError";
  }
}

/**
 * Brings the database to SCHEMA_VERSION in one IMMEDIATE transaction: either every step applies,
 * with `user_version` moved with it, or none does. Two processes opening a fresh database at once
 * are serialized by the write lock, and the second finds the work done when it re-reads the version.
 */
export function migrate(db: Database.Database): number {
  const version = (): number => db.pragma("user_version", { simple: true }) as number;
  const before = version();
  if (before > SCHEMA_VERSION) throw new SchemaTooNewError(before);
  if (before === SCHEMA_VERSION) return before;
  db.transaction(() => {
    const current = version();
    if (current > SCHEMA_VERSION) throw new SchemaTooNewError(current);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
  return version();
}
