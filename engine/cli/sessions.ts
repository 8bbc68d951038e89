/**
 * `tandem sessions ...` and the saving half of `tandem run --session NAME`. The store (SQLite, a
 * native module) is loaded only by the commands that use it, so a plain `tandem run` does not pay
 * for it. Exit codes: 0 success, 1 the request names what does not exist (or is taken), 2 Tandem or
 * the machine failed.
 */
import type { Command } from "commander";
import type { BenchOutcome } from "../../shared/bench";
import { fromJsonFloat } from "../../shared/float";
import type { RunOutcome } from "../../shared/run";
import type { ArtifactInfo, Comparison, RunSummary, SavedRef, SessionDetail, SessionInfo } from "../../shared/sessions";
import type * as Saving from "../store/save";
import type { ArtifactFile } from "../store/save";
import type { Store } from "../store/store";

// ---- plumbing -----------------------------------------------------------------------------------

const out = (text: string): void => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

/** 1 for what the user asked (unknown id, taken name), 2 for everything else. */
async function exitCodeFor(error: unknown): Promise<1 | 2> {
  const { StoreError } = await import("../store/store");
  return error instanceof StoreError ? 1 : 2;
}

async function reportError(error: unknown): Promise<void> {
  const code = await exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(code === 1 ? `tandem: ${message}\n` : `tandem: internal error: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  process.exitCode = code;
}

/** Runs `body` with the store open, turning its errors into a message and an exit code. */
async function withStore(body: (store: Store) => void | Promise<void>): Promise<void> {
  let store: Store | undefined;
  try {
    const { openStore } = await import("../store/store");
    store = openStore();
    await body(store);
  } catch (error) {
    await reportError(error);
  } finally {
    store?.close();
  }
}

// ---- text formatting ----------------------------------------------------------------------------

/** A timestamp as people read it: local time to the second. */
export function when(iso: string | null): string {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const fmtMs = (v: number | null): string => (v === null ? "-" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Columns padded to their widest cell; `right` names the columns aligned right (numbers). */
export function table(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

export function formatSessions(sessions: readonly SessionInfo[]): string {
  if (sessions.length === 0) return "no sessions yet: `tandem run <model> --session NAME` makes one";
  return table(
    ["id", "name", "runs", "last run", "updated", "notes"],
    sessions.map((s) => [String(s.id), s.name, String(s.runCount), when(s.lastRunAt), when(s.updatedAt), oneLine(s.notes, 40)]),
    new Set([0, 2]),
  );
}

function runRows(runs: readonly RunSummary[]): string[][] {
  return runs.map((r) => [
    String(r.id),
    when(r.createdAt),
    r.kind,
    r.mode ?? "-",
    baseName(r.modelFile),
    r.status === "ok" ? "ok" : `error (${r.errorKind ?? "?"})`,
    [r.backend, r.backendVersion].filter(Boolean).join(" ") || "-",
    r.seed === null ? "-" : String(r.seed),
    fmtMs(r.coldMs),
    fmtMs(r.warmMs),
    r.gitCommit ? r.gitCommit.slice(0, 8) : "-",
    r.origin === "local" ? "" : r.origin,
  ]);
}

/** A file kept with a run, with where it lies (under TANDEM_HOME, named by its content hash). */
export interface RunFile {
  runId: number;
  artifact: ArtifactInfo;
  file: string;
}

const fmtBytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

export function formatSession(s: SessionDetail, files: readonly RunFile[] = []): string {
  const lines = [`session ${s.id}  ${s.name}`, `  created ${when(s.createdAt)}, updated ${when(s.updatedAt)}, ${s.runCount} run${s.runCount === 1 ? "" : "s"}`];
  if (s.notes) lines.push(`  notes: ${s.notes.split("\n").join("\n         ")}`);
  if (s.runs.length) {
    lines.push("");
    lines.push(table(["run", "when", "kind", "mode", "model", "status", "backend", "seed", "cold ms", "warm ms", "commit", "origin"], runRows(s.runs), new Set([0, 7, 8, 9])));
  }
  // ONNX exports, bench.json, charts saved from the window: where to find each one.
  if (files.length) {
    lines.push("", "files");
    lines.push(table(["run", "name", "size", "type", "file"], files.map((f) => [String(f.runId), f.artifact.name, fmtBytes(f.artifact.bytes), f.artifact.mediaType, f.file]), new Set([0, 2])));
  }
  return lines.join("\n");
}

/** Why a run in a comparison has no outputs to line up. */
function noOutputs(run: Comparison["runs"][number] | undefined): string {
  if (run?.status === "error") return "no outputs (failed run)";
  return run?.kind === "bench" ? "no outputs (a benchmark keeps none)" : "no outputs";
}

export function formatComparison(c: Comparison): string {
  const ids = c.runs.map((r) => `run ${r.id}`);
  const lines: string[] = [];
  lines.push(table(["", "session", "when", "kind", "model", "status"], c.runs.map((r, i) => [ids[i] ?? "", r.session, when(r.createdAt), r.kind, baseName(r.modelFile), r.status])));

  lines.push("", "latency (warm forward median; ratio against the first run)");
  lines.push(
    table(
      ["", "cold ms", "warm ms", "n", "ratio", "ci", ""],
      c.latency.map((l, i) => [
        ids[i] ?? "",
        fmtMs(l.coldMs),
        fmtMs(l.warmMs),
        l.warmRuns === null ? "-" : String(l.warmRuns),
        l.ratio === null ? "-" : `${l.ratio.toFixed(3)}x`,
        l.ci ? `${(l.ci.level * 100).toFixed(0)}% [${l.ci.low.toFixed(3)}, ${l.ci.high.toFixed(3)}]${l.significant ? " significant" : " not significant"}` : "-",
        l.note ?? "",
      ]),
      new Set([1, 2, 3, 4]),
    ),
  );

  lines.push("", "peak memory");
  lines.push(table(["", "peak"], c.memory.map((m, i) => [ids[i] ?? "", m.peakBytes === null ? `- (${m.note ?? "not measured"})` : `${(m.peakBytes / 2 ** 20).toFixed(1)} MiB`])));

  lines.push("", `outputs against run ${c.runs[0]?.id ?? "?"}`);
  const parityRows = c.parity.flatMap((p) =>
    p.outputs.length === 0
      ? [[`run ${p.runId}`, "-", noOutputs(c.runs.find((r) => r.id === p.runId)), "", ""]]
      : p.outputs.map((o) => [
          `run ${p.runId}`,
          o.name,
          !o.present ? "missing in one run" : o.identical ? "bit-identical" : o.sameShape ? "differs" : "shape/dtype differs",
          o.sum === null ? "-" : fromJsonFloat(o.sum).toPrecision(8),
          o.sumAbsDiff === null ? "-" : fromJsonFloat(o.sumAbsDiff).toExponential(2),
        ]),
  );
  lines.push(table(["", "output", "bytes", "sum", "|Δsum|"], parityRows));

  lines.push("", c.onlyDiff ? "settings that differ" : "settings");
  if (c.settings.length === 0) lines.push("  (none differ)");
  else lines.push(table(["", ...ids, ""], c.settings.map((s) => [s.key, ...s.values.map((v) => oneLine(v ?? "-", 48)), s.differs ? "≠" : ""])));

  for (const s of c.sources) {
    lines.push("", `sources: run ${c.runs[0]?.id ?? "?"} -> run ${s.runId}: ${s.note ?? (s.identical ? "identical" : "differ")}`);
    if (s.diff) lines.push(s.diff.trimEnd());
  }
  return lines.join("\n");
}

/** The files of the runs that have any, oldest run first. */
function runFiles(store: Store, runs: readonly RunSummary[]): RunFile[] {
  return runs.filter((r) => r.artifactCount > 0).flatMap((r) => store.listArtifacts(r.id).map((artifact) => ({ runId: r.id, artifact, file: store.artifactFile(artifact) })));
}

// ---- --session NAME on run, export and bench ---------------------------------------------------

export interface SessionSave {
  /** Null when saving failed. */
  ref: SavedRef | null;
  /** One line for the user: where the result went, or why it could not be saved. */
  message: string;
  /** 0 when saved; else the exit code the failure calls for. */
  exitCode: 0 | 1 | 2;
}

/**
 * Saves into the session `name` (created if missing) what `save` writes with the store open
 * (engine/store/save.ts does the writing, for the service too). Never throws: the call happened,
 * and its result is still printed when the save fails.
 */
export async function saveToSession(name: string, save: (store: Store, saving: typeof Saving) => Promise<SavedRef>): Promise<SessionSave> {
  let store: Store | undefined;
  try {
    const { openStore } = await import("../store/store");
    const saving = await import("../store/save");
    store = openStore();
    const ref = await save(store, saving);
    const runs = ref.runIds && ref.runIds.length > 1 ? `runs ${ref.runIds.join(", ")}` : `run ${ref.runId}`;
    return { ref, message: `saved as ${runs} in session ${JSON.stringify(ref.session)} (id ${ref.sessionId})`, exitCode: 0 };
  } catch (error) {
    return { ref: null, message: `tandem: not saved into session ${JSON.stringify(name)}: ${error instanceof Error ? error.message : String(error)}`, exitCode: await exitCodeFor(error) };
  } finally {
    store?.close();
  }
}

/**
 * `tandem run --session` (kind "run") and `tandem export --session` (kind "export", with the ONNX
 * file as the record's "model.onnx"): the outcome, with a snapshot of the model file and the
 * relative files it imports.
 */
export function saveRunToSession(
  name: string,
  outcome: RunOutcome,
  meta: { modelFile: string; request?: { mode?: string; backend?: string; seed?: number }; kind?: "run" | "export"; artifacts?: ArtifactFile[] },
): Promise<SessionSave> {
  const target = { session: name, modelFile: meta.modelFile, ...(meta.request ? { request: meta.request } : {}) };
  return saveToSession(name, (store, { saveRunOutcome }) => saveRunOutcome(store, target, meta.kind ?? "run", outcome, meta.artifacts ?? []));
}

/** `tandem bench --session`: one "bench" record per batch size and variant (see engine/store/bench-records.ts). */
export function saveBenchToSession(name: string, outcome: BenchOutcome, modelFile: string): Promise<SessionSave> {
  return saveToSession(name, (store, { saveBenchOutcome }) => saveBenchOutcome(store, { session: name, modelFile }, outcome));
}

// ---- tandem sessions ... ------------------------------------------------------------------------

export function registerSessionCommands(program: Command): void {
  const sessions = program
    .command("sessions")
    .description("saved sessions and their runs: list, show, compare, rename, annotate, delete, export, import");

  sessions
    .command("list")
    .description("list the sessions, most recently changed first")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withStore((store) => {
        const list = store.listSessions();
        if (opts.json) json(list);
        else out(formatSessions(list));
      }),
    );

  sessions
    .command("show")
    .description("a session and its runs")
    .argument("<session>", "session id or name")
    .option("--json", "print JSON")
    .action((ref: string, opts: { json?: boolean }) =>
      withStore(async (store) => {
        const { StoreError } = await import("../store/store");
        const detail = store.getSession(ref);
        if (!detail) throw new StoreError("not-found", `no session ${JSON.stringify(ref)} (see \`tandem sessions list\`)`);
        if (opts.json) json(detail);
        else out(formatSession(detail, runFiles(store, detail.runs)));
      }),
    );

  sessions
    .command("compare")
    .description("put runs side by side (any sessions): latency and its ratio, outputs, settings, a diff of the sources")
    .argument("<runs...>", "two or more run ids (the first is the baseline)")
    .option("--only-diff", "show only the settings that differ")
    .option("--json", "print JSON")
    .action((refs: string[], opts: { onlyDiff?: boolean; json?: boolean }) =>
      withStore(async (store) => {
        const { StoreError } = await import("../store/store");
        const { compareRuns } = await import("../store/compare");
        if (refs.length < 2) throw new StoreError("invalid", "compare needs at least two run ids");
        const runs = refs.map((ref) => store.requireRun(ref));
        const comparison = compareRuns(runs, { onlyDiff: opts.onlyDiff ?? false, source: (hash) => store.getSource(hash) });
        if (opts.json) json(comparison);
        else out(formatComparison(comparison));
      }),
    );

  sessions
    .command("delete")
    .description("delete a session and all its runs")
    .argument("<session>", "session id or name")
    .option("--json", "print JSON")
    .action((ref: string, opts: { json?: boolean }) =>
      withStore((store) => {
        const { session, runs } = store.deleteSession(ref);
        if (opts.json) json({ deleted: session, runs });
        else out(`deleted session ${session.id} ${JSON.stringify(session.name)} and its ${runs} run${runs === 1 ? "" : "s"}`);
      }),
    );

  sessions
    .command("rename")
    .description("rename a session")
    .argument("<session>", "session id or name")
    .argument("<new-name>", "its new name")
    .option("--json", "print JSON")
    .action((ref: string, newName: string, opts: { json?: boolean }) =>
      withStore((store) => {
        const session = store.renameSession(ref, newName);
        if (opts.json) json(session);
        else out(`session ${session.id} is now ${JSON.stringify(session.name)}`);
      }),
    );

  sessions
    .command("export")
    .description("write a session (runs, model sources, artifacts) to one .tandem file for another machine")
    .argument("<session>", "session id or name")
    .option("-o, --output <file>", "the bundle to write (default: <session name>.tandem)")
    .option("--json", "print JSON")
    .action((ref: string, opts: { output?: string; json?: boolean }) =>
      withStore(async (store) => {
        const { exportSession } = await import("../store/bundle");
        const name = store.requireSession(ref).name;
        const file = opts.output ?? `${name.replace(/[^\w.-]+/g, "_")}.tandem`;
        const result = exportSession(store, ref, file);
        if (opts.json) json(result);
        else out(`wrote ${result.runs} run${result.runs === 1 ? "" : "s"} of session ${JSON.stringify(name)} to ${result.file} (${result.bytes.toLocaleString("en-US")} bytes)`);
      }),
    );

  sessions
    .command("import")
    .description("read a .tandem bundle into the session of the same name; runs already here are skipped; nothing in it is run")
    .argument("<file>", "the .tandem file")
    .option("--session <name>", "import into this session instead (created if missing)")
    .option("--json", "print JSON")
    .action((file: string, opts: { session?: string; json?: boolean }) =>
      withStore(async (store) => {
        const { importBundle } = await import("../store/bundle");
        const report = importBundle(store, file, opts.session === undefined ? {} : { session: opts.session });
        if (opts.json) json(report);
        else out(`imported ${report.imported} run${report.imported === 1 ? "" : "s"} into session ${JSON.stringify(report.session.name)} (id ${report.session.id})${report.skipped ? `; ${report.skipped} already here, skipped` : ""}; marked ${report.origin}`);
      }),
    );

  sessions
    .command("notes")
    .description("set a session's notes (an empty string clears them)")
    .argument("<session>", "session id or name")
    .argument("<text>", "the notes")
    .option("--json", "print JSON")
    .action((ref: string, text: string, opts: { json?: boolean }) =>
      withStore((store) => {
        const session = store.setNotes(ref, text);
        if (opts.json) json(session);
        else out(`notes of session ${session.id} ${JSON.stringify(session.name)} saved`);
      }),
    );
}
