/** `tandem sessions ...` and `--session` on run, export and bench as a user runs them, each test with its own TANDEM_HOME. */
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { RunOutcome } from "../../shared/run";
import { Comparison, RunRecord, SavedRef, SessionDetail, SessionInfo } from "../../shared/sessions";
import { openStore } from "../store/store";
import { errorOutcome, MODEL_V1, MODEL_V2, okOutcome, tempHome } from "../store/test/fixtures";

const root = path.resolve(import.meta.dirname, "../..");
const exec = promisify(execFile);

async function tandem(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.join(root, "bin/tandem.mjs"), ...args], { cwd: root, env: { ...process.env, TANDEM_HOME: home } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const GIT = { commit: "feedface", dirty: false } as const;
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** A home with two sessions: "monday" (one run of v1) and "friday" (a slower run of v2, and a failure). */
function seeded(): { home: string; ids: number[] } {
  const home = tempHome();
  const store = openStore(path.join(home, "tandem.db"));
  try {
    const monday = store.ensureSession("monday");
    const friday = store.ensureSession("friday");
    const ids = [
      store.saveRun(monday.id, okOutcome({ warmMs: 10 }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V1, git: GIT }).id,
      store.saveRun(friday.id, okOutcome({ warmMs: 20, backend: "cpu", sha256: "0".repeat(64) }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, git: GIT }).id,
      store.saveRun(friday.id, errorOutcome(), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, git: GIT }).id,
    ];
    // A chart saved from the window with friday's first run.
    store.addArtifact(ids[1] ?? -1, "latency.png", PNG, "image/png");
    return { home, ids };
  } finally {
    store.close();
  }
}

describe("tandem sessions", () => {
  it("says there are none yet on a fresh home", async () => {
    const home = tempHome();
    const text = await tandem(home, "sessions", "list");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("no sessions yet");
    const json = await tandem(home, "sessions", "list", "--json");
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it("lists sessions and shows one with its runs, as text and JSON", async () => {
    const { home, ids } = seeded();
    const list = await tandem(home, "sessions", "list", "--json");
    expect(list.code).toBe(0);
    const sessions = SessionInfo.array().parse(JSON.parse(list.stdout));
    expect(sessions.map((s) => [s.name, s.runCount])).toEqual([
      ["friday", 2],
      ["monday", 1],
    ]);
    const text = await tandem(home, "sessions", "list");
    expect(text.stdout).toMatch(/^id\s+name\s+runs/);
    expect(text.stdout).toMatch(/friday\s+2/);

    const show = await tandem(home, "sessions", "show", "friday", "--json");
    const detail = SessionDetail.parse(JSON.parse(show.stdout));
    expect(detail.runs.map((r) => r.id)).toEqual(ids.slice(1));
    expect(detail.runs.map((r) => r.status)).toEqual(["ok", "error"]);
    const shown = await tandem(home, "sessions", "show", String(detail.id));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("session 2  friday");
    expect(shown.stdout).toMatch(new RegExp(`\\n\\s*${ids[2]}\\s+\\S+ \\S+\\s+run\\s+\\S+\\s+net\\.ts\\s+error \\(shape\\)`));
    expect(detail.runs.map((r) => r.artifactCount)).toEqual([1, 0]);
    // Where each kept file lies, under TANDEM_HOME.
    const png = new RegExp(`\\nfiles\\n.*\\n\\s*${ids[1]}\\s+latency\\.png\\s+12 B\\s+image/png\\s+(\\S+)`).exec(shown.stdout)?.[1] ?? "";
    expect(png.startsWith(path.join(home, "artifacts"))).toBe(true);
    expect([...readFileSync(png)]).toEqual([...PNG]);
  });

  it("compares runs across sessions: ratio, outputs, settings, source diff; --only-diff", async () => {
    const { home, ids } = seeded();
    const [a, b, c] = ids.map(String) as [string, string, string];
    const json = await tandem(home, "sessions", "compare", a, b, c, "--json");
    expect(json.code).toBe(0);
    const comparison = Comparison.parse(JSON.parse(json.stdout));
    expect(comparison.latency[1]?.ratio).toBe(2);
    expect(comparison.latency[1]?.note).toBe("no samples: significance not available");
    expect(comparison.parity[0]?.outputs[0]?.identical).toBe(false);
    expect(comparison.sources[0]?.diff).toContain("+    return this.fc(x).relu();");

    const text = await tandem(home, "sessions", "compare", a, b);
    expect(text.stdout).toMatch(/run 2\s+[\d.]+\s+20\.0\s+3\s+2\.000x\s+-\s+no samples: significance not available/);
    expect(text.stdout).toContain(`sources: run ${a} -> run ${b}: differ`);
    expect(text.stdout).toContain("-    return this.fc(x);");
    expect(text.stdout).toMatch(/\ngit commit\s+feedface\s+feedface/);

    const only = await tandem(home, "sessions", "compare", a, b, "--only-diff");
    expect(only.stdout).toContain("settings that differ");
    expect(only.stdout).toMatch(/\nbackend\s+wasm\s+cpu/);
    expect(only.stdout).not.toMatch(/\ngit commit/);
  });

  it("renames, annotates and deletes, with --json", async () => {
    const { home, ids } = seeded();
    const renamed = await tandem(home, "sessions", "rename", "monday", "baseline", "--json");
    expect(SessionInfo.parse(JSON.parse(renamed.stdout)).name).toBe("baseline");
    const notes = await tandem(home, "sessions", "notes", "baseline", "before the wider layer");
    expect(notes.code).toBe(0);
    const shown = await tandem(home, "sessions", "show", "baseline");
    expect(shown.stdout).toContain("notes: before the wider layer");

    const deleted = await tandem(home, "sessions", "delete", "friday", "--json");
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ deleted: { name: "friday" }, runs: 2 });
    const gone = await tandem(home, "sessions", "compare", String(ids[0]), String(ids[1]));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no run "${ids[1]}"`);
  });

  it("exits 1 with a clear message for what does not exist or is taken", async () => {
    const { home } = seeded();
    for (const args of [
      ["show", "tuesday"],
      ["delete", "tuesday"],
      ["notes", "99", "x"],
      ["rename", "monday", "friday"],
      ["compare", "1", "404"],
    ]) {
      const r = await tandem(home, "sessions", ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(/^tandem: (no session|no run|a session named "friday" already exists)/);
      expect(r.stderr).not.toContain("internal error");
    }
  });

  it("exports a session to a .tandem file that another home imports once", async () => {
    const { home } = seeded();
    const bundle = path.join(tempHome(), "friday.tandem");
    const exported = await tandem(home, "sessions", "export", "friday", "-o", bundle, "--json");
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file: bundle, runs: 2 });

    const other = tempHome();
    const first = await tandem(other, "sessions", "import", bundle);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('imported 2 runs into session "friday"');
    const again = await tandem(other, "sessions", "import", bundle, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: 2 });
    const show = SessionDetail.parse(JSON.parse((await tandem(other, "sessions", "show", "friday", "--json")).stdout));
    expect(show.runs.map((r) => r.origin)).toEqual(["imported-from friday.tandem", "imported-from friday.tandem"]);
    // The chart came along, byte for byte.
    expect(show.runs.map((r) => r.artifactCount)).toEqual([1, 0]);
    const imported = openStore(path.join(other, "tandem.db"));
    try {
      const [chart] = imported.requireRun(show.runs[0]?.id ?? -1).artifacts;
      expect(chart).toMatchObject({ name: "latency.png", mediaType: "image/png" });
      expect([...readFileSync(imported.artifactFile(chart ?? { path: "" }))]).toEqual([...PNG]);
    } finally {
      imported.close();
    }

    const junk = path.join(tempHome(), "junk.tandem");
    writeFileSync(junk, "PK\u0003\u0004 not really a zip");
    const refused = await tandem(other, "sessions", "import", junk);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^tandem: cannot import junk\.tandem: not a Tandem bundle/);
  });

  it("exits 2 when the database cannot be used (a newer schema)", async () => {
    const home = tempHome();
    const db = new Database(path.join(home, "tandem.db"));
    db.pragma("user_version = 999");
    db.close();
    const r = await tandem(home, "sessions", "list");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("newer than this Tandem understands");
  });
});

describe("tandem run --session", () => {
  it("saves each run with its source snapshot, prints its id, and compares edits of the model", async () => {
    const home = tempHome();
    const dir = tempHome();
    const model = path.join(dir, "net.ts");
    writeFileSync(model, MODEL_V1);
    const first = await tandem(home, "run", model, "--session", "edits", "--json", "--no-typecheck", "--backend", "cpu", "--repeat", "1");
    expect(first.code, first.stderr).toBe(0);
    const parsed = JSON.parse(first.stdout) as { saved: unknown };
    expect(RunOutcome.parse(parsed).ok).toBe(true);
    const saved = SavedRef.parse(parsed.saved);
    expect(saved.session).toBe("edits");

    writeFileSync(model, MODEL_V2);
    const second = await tandem(home, "run", model, "--session", "edits", "--no-typecheck", "--backend", "cpu", "--repeat", "1");
    expect(second.code, second.stderr).toBe(0);
    const id = Number(/saved as run (\d+) in session "edits"/.exec(second.stdout)?.[1]);
    expect(id).toBeGreaterThan(saved.runId);

    const compare = await tandem(home, "sessions", "compare", String(saved.runId), String(id), "--json");
    const c = Comparison.parse(JSON.parse(compare.stdout));
    expect(c.sources[0]?.diff).toContain("-    return this.fc(x);\n+    return this.fc(x).relu();");

    // The record holds the whole outcome, with the snapshot hashed like the worker hashed the file.
    const db = openStore(path.join(home, "tandem.db"));
    try {
      const run = RunRecord.parse(db.getRun(saved.runId));
      expect(run.sourceId).toBe(run.sourceHash);
      expect(db.getSource(run.sourceId ?? "")?.files).toEqual([{ path: "net.ts", text: MODEL_V1 }]);
      expect(run.outcome.ok && run.outcome.result.provenance.gitCommit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    } finally {
      db.close();
    }
  });

  it("saves a failed run too, keeping the model's exit code", async () => {
    const home = tempHome();
    const r = await tandem(home, "run", "engine/test/fixtures/models/shape_mismatch.ts", "--session", "oops", "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/saved as run 1 in session "oops"/);
    const show = await tandem(home, "sessions", "show", "oops", "--json");
    const run = SessionDetail.parse(JSON.parse(show.stdout)).runs[0];
    expect(run).toMatchObject({ status: "error", errorKind: "shape", backend: "auto", seed: 0, mode: "eager" });
  });
});

describe("tandem export and bench --session", () => {
  it("saves an export with its ONNX file, and a bench as one run per variant, which compare gives CIs", async () => {
    const home = tempHome();
    const dir = tempHome();
    const model = path.join(dir, "net.ts");
    writeFileSync(model, MODEL_V1);

    const exported = await tandem(home, "export", model, "-o", path.join(dir, "net.onnx"), "--session", "day", "--backend", "cpu", "--json");
    expect(exported.code, exported.stderr).toBe(0);
    const exportRef = SavedRef.parse((JSON.parse(exported.stdout) as { saved: unknown }).saved);

    const bench = await tandem(home, "bench", model, "--modes", "eager,graph:tfjs", "--warmup", "0.02", "--min-time", "0.1", "--max-time", "0.3", "--no-profile", "--backend", "wasm", "--session", "day");
    expect(bench.code, bench.stderr).toBe(0);
    const [, eagerId, planId] = /saved as runs (\d+), (\d+) in session "day"/.exec(bench.stdout) ?? [];

    const run = await tandem(home, "run", model, "--session", "day", "--no-typecheck", "--backend", "wasm", "--repeat", "4", "--json");
    expect(run.code, run.stderr).toBe(0);
    const runRef = SavedRef.parse((JSON.parse(run.stdout) as { saved: unknown }).saved);

    const compare = await tandem(home, "sessions", "compare", String(eagerId), String(planId), String(runRef.runId), "--json");
    expect(compare.code, compare.stderr).toBe(0);
    const c = Comparison.parse(JSON.parse(compare.stdout));
    expect(c.runs.map((r) => r.kind)).toEqual(["bench", "bench", "run"]);
    // Bench records and run records (every warm pass kept) both carry samples: each ratio has a CI.
    expect(c.latency.slice(1).map((l) => l.ci !== null)).toEqual([true, true]);

    const db = openStore(path.join(home, "tandem.db"));
    try {
      const record = RunRecord.parse(db.getRun(exportRef.runId));
      expect(record.kind).toBe("export");
      expect(record.artifacts.map((a) => a.name)).toEqual(["model.onnx"]);
      expect(readFileSync(db.artifactFile(record.artifacts[0] as { path: string })).equals(readFileSync(path.join(dir, "net.onnx")))).toBe(true);
      expect(RunRecord.parse(db.getRun(Number(eagerId))).artifacts.map((a) => a.name)).toEqual(["bench.json"]);
    } finally {
      db.close();
    }
  });
});
