import type { RunOutcome, RunResult } from "../../../shared/run";
import type { RunSummary, SavedOutcome, SessionInfo } from "../../../shared/sessions";
import { basename, ms } from "./format";

/**
 * What the sessions sidebar shows and decides, kept pure so that it is unit-tested in Node: the
 * default session's name, search, relative times, where a saved run goes back to, and the outcome
 * of a saved run as the run columns read it.
 */

const pad = (n: number) => String(n).padStart(2, "0");
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** "Session 2025-06-01": the session runs go to when the user has not picked one (local date). */
export const defaultSessionName = (now: Date = new Date()): string => `Session ${localDate(now)}`;

/** A name not in `taken`: the name itself, else "name (2)", "name (3)", ... */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  if (!used.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) if (!used.has(`${name} (${i})`.toLowerCase())) return `${name} (${i})`;
}

/** The bundle a run came from ("imported-from tuning.tandem" -> "tuning.tandem"), null for local runs. */
export function importedFrom(origin: string | null | undefined): string | null {
  const match = /^imported-from(?:\s+(.*))?$/s.exec(origin ?? "");
  if (!match) return null;
  return match[1]?.trim() || "a bundle";
}

/**
 * Whether a session matches a search: every word of the query is found in its name, its notes or
 * one of its runs' model files (case-insensitive). `modelFiles` is undefined while not yet known.
 */
export function sessionMatches(session: Pick<SessionInfo, "name" | "notes">, modelFiles: readonly string[] | undefined, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = [session.name, session.notes, ...(modelFiles ?? [])].join("\n").toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** "just now", "5 min ago", "3 h ago", "yesterday 14:02", "Mar 4 09:15", "2024-03-04". */
export function whenText(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "–";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const seconds = (now.getTime() - t.getTime()) / 1000;
  const hm = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  if (seconds < 45 && seconds > -60) return "just now";
  if (seconds >= 0 && seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds >= 0 && seconds < 6 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  if (localDate(t) === localDate(now)) return `today ${hm}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (localDate(t) === localDate(yesterday)) return `yesterday ${hm}`;
  if (t.getFullYear() === now.getFullYear()) return `${t.toLocaleString("en-US", { month: "short" })} ${t.getDate()} ${hm}`;
  return localDate(t);
}

/** A saved run's full local time, for titles: "2025-06-01 14:02:11". */
export const fullTime = (iso: string): string => {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${localDate(t)} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
};

/** The run column a saved run goes back to: eager runs to eager, graph runs to graph. */
export function columnFor(mode: string | null | undefined): "eager" | "graph" | null {
  if (mode === "eager") return "eager";
  if (mode?.startsWith("graph:")) return "graph";
  return null;
}

/** "#12 eager · wasm": a run as the compare view and the sidebar name it. */
export function runLabel(run: Pick<RunSummary, "id" | "mode" | "backend" | "kind">): string {
  return [`#${run.id}`, run.kind === "run" ? null : run.kind, run.mode, run.backend].filter(Boolean).join(" ");
}

/** One line about a run, for a tooltip. */
export function runTitle(run: RunSummary): string {
  const parts = [
    `${run.kind} #${run.id} · ${run.status === "ok" ? "ok" : `error${run.errorKind ? ` (${run.errorKind})` : ""}`}`,
    `${basename(run.modelFile)} · ${run.mode ?? "?"} · ${run.backend ?? "?"}${run.backendVersion ? ` ${run.backendVersion}` : ""} · seed ${run.seed ?? "?"}`,
    `warm median ${ms(run.warmMs)} · first ${ms(run.coldMs)}`,
    fullTime(run.createdAt),
  ];
  if (run.errorMessage) parts.push(run.errorMessage);
  const from = importedFrom(run.origin);
  if (from) parts.push(`imported from ${from}`);
  return parts.join("\n");
}

/**
 * A saved outcome as the run columns read it (RunOutcome). A record keeps its result as it was
 * saved, so figures added to RunResult since (raw samples, memory, graph) may be absent: they are
 * filled in as "not measured" (null, empty), never made up.
 */
export function toRunOutcome(saved: SavedOutcome): RunOutcome {
  if (!saved.ok) return { ok: false, error: saved.error, logs: saved.logs, diagnostics: saved.diagnostics };
  const r = saved.result as typeof saved.result & Partial<Pick<RunResult, "memory" | "graph">>;
  const t = r.timings as typeof r.timings & Partial<RunResult["timings"]>;
  const samples = Array.isArray(t.samplesMs) ? t.samplesMs.filter((s): s is number => typeof s === "number") : [];
  const result: RunResult = {
    file: r.file,
    sourceHash: r.sourceHash,
    mode: columnFor(r.mode) === "graph" ? (r.mode as RunResult["mode"]) : "eager",
    backend: r.backend,
    seed: r.seed,
    model: r.model,
    inputs: r.inputs,
    outputs: r.outputs,
    timings: {
      compileMs: t.compileMs,
      constructMs: t.constructMs,
      firstForwardMs: t.firstForwardMs,
      warmForwardMs: t.warmForwardMs,
      p90ForwardMs: typeof t.p90ForwardMs === "number" ? t.p90ForwardMs : null,
      warmRuns: t.warmRuns,
      samplesMs: samples,
    },
    memory: r.memory ?? { source: "not recorded in this saved run", samples: 0, baselineBytes: 0, peakBytes: null },
    logs: r.logs,
    graph: r.graph ?? null,
    diagnostics: r.diagnostics,
    provenance: {
      tandemVersion: r.provenance.tandemVersion,
      node: r.provenance.node,
      platform: r.provenance.platform,
      cpu: r.provenance.cpu,
      time: r.provenance.time,
    },
  };
  return { ok: true, result };
}

/** Sessions as the sidebar lists them: the one run in last first. */
export function sortSessions(sessions: readonly SessionInfo[]): SessionInfo[] {
  return [...sessions].sort((a, b) => (b.lastRunAt ?? b.updatedAt).localeCompare(a.lastRunAt ?? a.updatedAt));
}

/**
 * The list with a session as a save left it: replaced, or added when new. A reply that comes late
 * (the other column's run, saved before it) does not put back an older state of the session.
 */
export function withSession(sessions: readonly SessionInfo[], info: SessionInfo): SessionInfo[] {
  const known = sessions.find((s) => s.id === info.id);
  if (known && known.updatedAt > info.updatedAt) return [...sessions];
  return sortSessions([...sessions.filter((s) => s.id !== info.id), info]);
}

/** A session's detail with the runs a save added (oldest first, as the engine lists them). */
export function withRuns<D extends SessionInfo & { runs: RunSummary[] }>(detail: D, info: SessionInfo, runs: readonly RunSummary[]): D {
  const newer = info.updatedAt >= detail.updatedAt ? info : detail;
  const merged = [...detail.runs.filter((r) => !runs.some((n) => n.id === r.id)), ...runs].sort((a, b) => a.id - b.id);
  return { ...detail, ...pickInfo(newer), runs: merged };
}

const pickInfo = ({ id, name, notes, createdAt, updatedAt, runCount, lastRunAt }: SessionInfo): SessionInfo => ({ id, name, notes, createdAt, updatedAt, runCount, lastRunAt });
