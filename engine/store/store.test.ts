import Database from "better-sqlite3";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RunRecord, SessionDetail, SessionInfo } from "../../shared/sessions";
import { tandemHome } from "./home";
import { SCHEMA_VERSION, SchemaTooNewError } from "./migrations";
import { hashSources, snapshotSources } from "./snapshot";
import { openStore, type Store, StoreError } from "./store";
import { errorOutcome, MODEL_V1, okOutcome, tempHome } from "./test/fixtures";

const open: Store[] = [];
function fresh(home = tempHome()): Store {
  const store = openStore(path.join(home, "tandem.db"));
  open.push(store);
  return store;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const GIT = { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false } as const;

describe("opening and migrations", () => {
  it("creates the schema on a fresh database, in WAL mode with foreign keys on", () => {
    const store = fresh();
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(store.db.pragma("busy_timeout", { simple: true })).toBe(5000);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(["artifacts", "run_artifacts", "runs", "sessions", "sources"]);
  });

  it("keeps data and version on re-open, and migrates nothing twice", () => {
    const home = tempHome();
    const a = fresh(home);
    const id = a.ensureSession("kept").id;
    a.saveRun(id, okOutcome(), { kind: "run", modelFile: "m.ts", sourceText: MODEL_V1, git: GIT });
    a.close();
    const b = fresh(home);
    expect(b.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(b.getSession("kept")?.runs).toHaveLength(1);
  });

  it("refuses a database from a newer Tandem and leaves it alone", () => {
    const home = tempHome();
    const file = path.join(home, "tandem.db");
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openStore(file)).toThrow(SchemaTooNewError);
    const again = new Database(file);
    expect(again.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 5);
    expect(again.prepare("SELECT COUNT(*) FROM sqlite_master").pluck().get()).toBe(0);
    again.close();
  });

  it("rolls a failed migration back whole", () => {
    const home = tempHome();
    const file = path.join(home, "tandem.db");
    const raw = new Database(file);
    raw.exec("CREATE TABLE runs (x INTEGER)"); // makes migration 1 fail half-way (after `sessions`)
    raw.close();
    expect(() => openStore(file)).toThrow(/runs already exists/);
    const again = new Database(file);
    expect(again.pragma("user_version", { simple: true })).toBe(0);
    expect(again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(["runs"]);
    again.close();
  });

  it("finds its home from TANDEM_HOME, else the platform's data directory", () => {
    expect(tandemHome({ TANDEM_HOME: "/x/y" }, "linux")).toBe(path.resolve("/x/y"));
    expect(tandemHome({ XDG_DATA_HOME: "/data" }, "linux")).toBe(path.join("/data", "tandem"));
    expect(tandemHome({}, "darwin")).toMatch(/Library[\\/]Application Support[\\/]Tandem$/);
    expect(tandemHome({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "win32")).toMatch(/Roaming[\\/]Tandem$/);
  });
});

describe("sessions and runs", () => {
  it("saves a run with everything in its outcome, the git commit and the source", () => {
    const store = fresh();
    const session = store.ensureSession("exp");
    expect(store.ensureSession("exp").id).toBe(session.id); // idempotent
    const saved = store.saveRun(session.id, okOutcome({ warmMs: 7.5, coldMs: 99 }), { kind: "run", modelFile: "models/m.ts", sourceText: MODEL_V1, git: GIT });
    const run = RunRecord.parse(store.getRun(saved.id));
    expect(run.uuid).toBe(saved.uuid);
    expect(store.getRun(saved.uuid)?.id).toBe(saved.id);
    expect(run).toMatchObject({ sessionName: "exp", kind: "run", status: "ok", warmMs: 7.5, coldMs: 99, backend: "wasm", backendVersion: "4.22.0", seed: 0, gitCommit: GIT.commit, origin: "local" });
    expect(run.modelFile).toBe(path.resolve("models/m.ts"));
    if (!run.outcome.ok) throw new Error("expected ok");
    // The whole result comes back, provenance completed with the commit.
    const { provenance, ...rest } = run.outcome.result;
    const made = okOutcome({ warmMs: 7.5, coldMs: 99 });
    if (!made.ok) throw new Error("unreachable");
    const { provenance: original, ...expected } = made.result;
    expect(rest).toEqual(expected);
    expect(provenance).toEqual({ ...original, gitCommit: GIT.commit, gitDirty: false });
    const source = store.getSource(run.sourceId ?? "");
    expect(source?.files).toEqual([{ path: "m.ts", text: MODEL_V1 }]);
    expect(source?.hash).toBe(hashSources([{ path: "m.ts", text: MODEL_V1 }]));
  });

  it("saves a failed run with its error, logs, diagnostics and the saver's provenance", () => {
    const store = fresh();
    const session = store.ensureSession("exp");
    const saved = store.saveRun(session.id, errorOutcome(), { kind: "run", modelFile: "bad.ts", request: { mode: "eager", backend: "auto", seed: 3 }, git: GIT });
    const run = RunRecord.parse(store.getRun(saved.id));
    expect(run).toMatchObject({ status: "error", errorKind: "shape", errorMessage: "matmul: [8,784] x [1024,10]", backend: "auto", seed: 3, coldMs: null, sourceId: null });
    if (run.outcome.ok) throw new Error("expected an error");
    const original = errorOutcome();
    if (original.ok) throw new Error("unreachable");
    expect(run.outcome.error).toEqual(original.error);
    expect(run.outcome.logs[0]?.text).toBe("about to fail");
    expect(run.outcome.diagnostics[0]?.code).toBe("TS2322");
    expect(run.outcome.provenance.gitCommit).toBe(GIT.commit);
    expect(run.outcome.provenance.tandemVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists sessions with run counts, shows runs oldest first, renames and annotates", async () => {
    const store = fresh();
    const a = store.ensureSession("a");
    const b = store.ensureSession("b");
    await new Promise((resolve) => setTimeout(resolve, 5)); // times have millisecond resolution
    const ids = [1, 2, 3].map((w) => store.saveRun(a.id, okOutcome({ warmMs: w }), { kind: "run", modelFile: "m.ts", git: GIT }).id);
    const list = store.listSessions().map((s) => SessionInfo.parse(s));
    expect(list.map((s) => [s.name, s.runCount])).toEqual([
      ["a", 3], // touched last by its runs
      ["b", 0],
    ]);
    const detail = SessionDetail.parse(store.getSession("a"));
    expect(detail.runs.map((r) => r.id)).toEqual(ids);
    expect(detail.runs.map((r) => r.warmMs)).toEqual([1, 2, 3]);
    expect(store.getSession(String(a.id))?.name).toBe("a");

    expect(store.renameSession("b", "baseline").name).toBe("baseline");
    expect(() => store.renameSession("baseline", "a")).toThrow(StoreError);
    expect(store.setNotes(b.id, "wider layer").notes).toBe("wider layer");
    expect(store.getSession("baseline")?.notes).toBe("wider layer");
    expect(store.getSession("b")).toBeNull();
    expect(() => store.setNotes("nope", "x")).toThrow(/no session "nope"/);
  });

  it("lists runs (newest first, paged) with the same fields as a run read whole", () => {
    const store = fresh();
    const s = store.ensureSession("page");
    store.saveRun(s.id, okOutcome({ warmMs: 1, backend: "cpu", seed: 7 }), { kind: "run", modelFile: "a.ts", sourceText: "a", git: GIT });
    store.saveRun(s.id, errorOutcome(), { kind: "bench", modelFile: "b.ts", request: { mode: "eager", backend: "wasm", seed: 2 }, git: GIT });
    const listed = store.listRuns();
    expect(listed.map((r) => r.kind)).toEqual(["bench", "run"]);
    expect(store.listRuns({ limit: 1, offset: 1 }).map((r) => r.modelFile)).toEqual([path.resolve("a.ts")]);
    for (const summary of [...listed, ...(store.getSession("page")?.runs ?? [])]) {
      const { sessionName: _n, outcome: _o, artifacts: _a, ...whole } = store.requireRun(summary.id);
      expect(summary).toEqual(whole);
    }
  });

  it("resolves a name made of digits when no session has that id", () => {
    const store = fresh();
    store.ensureSession("first");
    const named = store.ensureSession("2024");
    expect(store.findSession("2024")?.id).toBe(named.id);
    expect(store.findSession("2")?.id).toBe(named.id); // id 2
  });

  it("deletes a session with its runs (cascade), and the sources no other run uses", () => {
    const store = fresh();
    const keep = store.ensureSession("keep");
    const drop = store.ensureSession("drop");
    const shared = { kind: "run" as const, modelFile: "shared.ts", sourceText: "// shared", git: GIT };
    store.saveRun(keep.id, okOutcome(), shared);
    const gone = store.saveRun(drop.id, okOutcome(), shared);
    store.saveRun(drop.id, okOutcome(), { kind: "run", modelFile: "own.ts", sourceText: "// own", git: GIT });
    const sharedHash = hashSources([{ path: "shared.ts", text: "// shared" }]);
    const ownHash = hashSources([{ path: "own.ts", text: "// own" }]);

    expect(store.deleteSession("drop").runs).toBe(2);
    expect(store.getRun(gone.id)).toBeNull();
    expect(store.db.prepare("SELECT COUNT(*) FROM runs WHERE session_id = ?").pluck().get(drop.id)).toBe(0);
    expect(store.getSource(sharedHash)).not.toBeNull();
    expect(store.getSource(ownHash)).toBeNull();
    expect(store.listSessions().map((s) => s.name)).toEqual(["keep"]);
    expect(() => store.deleteSession("drop")).toThrow(StoreError);
  });

  it("keeps artifacts beside the database, once per content, and removes them with their last run", () => {
    const home = tempHome();
    const store = fresh(home);
    const s = store.ensureSession("art");
    const r1 = store.saveRun(s.id, okOutcome(), { kind: "export", modelFile: "m.ts", git: GIT });
    const r2 = store.saveRun(s.id, okOutcome(), { kind: "export", modelFile: "m.ts", git: GIT });
    const bytes = new TextEncoder().encode("onnx bytes");
    const a1 = store.addArtifact(r1.id, "model.onnx", bytes, "application/onnx");
    const a2 = store.addArtifact(r2.id, "model.onnx", bytes, "application/onnx");
    expect(a2.hash).toBe(a1.hash);
    expect(readFileSync(store.artifactFile(a1), "utf8")).toBe("onnx bytes");
    expect(store.getRun(r1.id)?.artifacts).toEqual([a1]);
    expect(store.db.prepare("SELECT COUNT(*) FROM artifacts").pluck().get()).toBe(1);
    // The file went missing (a user cleaned up): adding it again restores it.
    rmSync(store.artifactFile(a1));
    store.addArtifact(r2.id, "model.onnx", bytes, "application/onnx");
    expect(existsSync(store.artifactFile(a1))).toBe(true);
    store.deleteSession(s.id);
    expect(existsSync(store.artifactFile(a1))).toBe(false);
    expect(store.db.prepare("SELECT COUNT(*) FROM artifacts").pluck().get()).toBe(0);
    expect(() => store.addArtifact(999, "x", bytes, "text/plain")).toThrow(StoreError);
  });

  it("refuses a run for a session that does not exist (foreign key), saving nothing", () => {
    const store = fresh();
    expect(() => store.saveRun(42, okOutcome(), { kind: "run", modelFile: "m.ts", sourceText: "x", git: GIT })).toThrow(StoreError);
    expect(store.db.prepare("SELECT COUNT(*) FROM sources").pluck().get()).toBe(0);
    expect(() => store.db.prepare("INSERT INTO runs (uuid, session_id, created_at, kind, model_file, status, outcome) VALUES ('u', 42, 't', 'run', 'm', 'ok', '{}')").run()).toThrow(/FOREIGN KEY/);
  });
});

describe("source snapshots", () => {
  it("keeps the model file and the relative files it imports, hashed like the worker's sourceHash", async () => {
    const snapshot = await snapshotSources("assets/examples/mlp.ts");
    expect(snapshot?.entry).toBe("mlp.ts");
    expect(snapshot?.files[0]?.text).toBe(readFileSync("assets/examples/mlp.ts", "utf8"));
    const { compileModel } = await import("../model/compile");
    expect(hashSources(snapshot?.files ?? [])).toBe((await compileModel("assets/examples/mlp.ts")).sourceHash);
  });

  it("follows relative imports, and keeps the entry alone when the file does not parse", async () => {
    const home = tempHome();
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(path.join(home, "lib"));
    writeFileSync(path.join(home, "lib", "block.ts"), "export const width = 4;\n");
    writeFileSync(path.join(home, "net.ts"), `import { width } from "./lib/block";\nimport { nn } from "tandem";\nexport const w = width;\n`);
    writeFileSync(path.join(home, "broken.ts"), "export const = ;\n");
    const net = await snapshotSources(path.join(home, "net.ts"));
    expect(net?.files.map((f) => f.path)).toEqual(["net.ts", "lib/block.ts"]);
    const broken = await snapshotSources(path.join(home, "broken.ts"));
    expect(broken?.files).toEqual([{ path: "broken.ts", text: "export const = ;\n" }]);
    expect(await snapshotSources(path.join(home, "missing.ts"))).toBeNull();
  });
});
