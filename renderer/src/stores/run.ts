import { defineStore } from "pinia";
import { reactive, ref, watch } from "vue";
import type { BackendName } from "../../../shared/backends";
import { errorMessage } from "../../../shared/client";
import type { LogEntry, RunMode, RunOutcome } from "../../../shared/run";
import { type CallStatus, useCall } from "../composables/use-call";
import { useEditor } from "./editor";
import { useEngine } from "./engine";
import { useImportedCode } from "./imported-code";
import { useSessions } from "./sessions";

/**
 * The two run columns (eager and graph) and the settings every call runs the editor's model with:
 * the same model, inputs and weights in both, each column one `run` call at a time. A column keeps
 * its last outcome on screen while the next one runs, and can show a saved run's outcome instead.
 */

export type ColumnId = "eager" | "graph";
export type GraphRunner = Extract<RunMode, "graph:tfjs" | "graph:ort">;
export type { CallStatus };

export interface RestoredFrom {
  session: string;
  /** When the run was made (ISO 8601). */
  createdAt: string;
  runId: number;
}

export interface Settings {
  seed: number;
  repeat: number;
  timeoutS: number;
  eagerBackend: BackendName | "auto";
  graphBackend: BackendName | "auto";
  graphRunner: GraphRunner;
}

const statusOfOutcome = (outcome: RunOutcome): CallStatus => (outcome.ok ? "done" : "failed");

/** One column: its `run` call, and what the window shows beside the call's result. */
function useColumn(id: ColumnId) {
  const liveLogs = ref<LogEntry[]>([]);
  const call = useCall("run", {
    statusOf: statusOfOutcome,
    onEvent: (event) => {
      if (event.event === "log") liveLogs.value.push(event.data);
    },
  });
  return reactive({
    id,
    status: call.status,
    callId: call.callId,
    progress: call.progress,
    startedAt: call.startedAt,
    finishedAt: call.finishedAt,
    outcome: call.result,
    /** The call itself failed (connection, contract): its message. */
    failure: call.failure,
    /** Lines logged while it runs (events), replaced by the outcome's own at the end. */
    liveLogs,
    /** The settings it ran with, to show beside the result. */
    ranWith: null as { mode: RunMode; backend: string; repeat: number; seed: number } | null,
    /** The outcome is a saved run's, opened from a session (not run in this window). */
    restored: null as RestoredFrom | null,
    /** The run this window made was saved as this run: its charts can be kept with it. */
    saved: null as { runId: number } | null,
    call,
  });
}
export type ColumnState = ReturnType<typeof useColumn>;

export const useRun = defineStore("run", () => {
  const engine = useEngine();
  const editor = useEditor();
  const settings = reactive<Settings>({ seed: 0, repeat: 10, timeoutS: 60, eagerBackend: "auto", graphBackend: "auto", graphRunner: "graph:tfjs" });
  const columns = { eager: useColumn("eager"), graph: useColumn("graph") } satisfies Record<ColumnId, ColumnState>;

  function clear(id: ColumnId): void {
    const column = columns[id];
    if (column.status === "running") return;
    column.call.reset();
    Object.assign(column, { liveLogs: [], ranWith: null, restored: null, saved: null });
  }
  // Another model in the editor: the columns' results are of the last one.
  watch(
    () => editor.generation,
    () => (["eager", "graph"] as const).forEach(clear),
    { flush: "sync" },
  );

  async function runColumn(id: ColumnId): Promise<void> {
    const column = columns[id];
    if (!engine.client || column.status === "running") return;
    const guard = useImportedCode();
    // Code opened from an imported bundle: the first run asks (both columns share one question).
    if (guard.needsTrust && (!(await guard.ensureTrusted()) || (column.status as CallStatus) === "running")) return;
    const sessions = useSessions();
    const mode: RunMode = id === "eager" ? "eager" : settings.graphRunner;
    const backend = id === "eager" ? settings.eagerBackend : settings.graphBackend;
    // The last result stays on screen while the new one runs: no layout jump, dimmed by the view.
    Object.assign(column, { liveLogs: [], restored: null, saved: null, ranWith: { mode, backend, repeat: settings.repeat, seed: settings.seed } });
    const outcome = await column.call.run({
      model: editor.model(),
      mode,
      backend,
      seed: settings.seed,
      repeat: settings.repeat,
      timeoutMs: Math.round(settings.timeoutS * 1000),
      previewValues: 16,
      session: sessions.currentName,
    });
    if (outcome) {
      sessions.noteSaved(outcome);
      column.saved = outcome.saved ? { runId: outcome.saved.runId } : null;
    } else if (column.status === "cancelled") column.outcome = null;
  }

  async function runBoth(): Promise<void> {
    await Promise.all([runColumn("eager"), runColumn("graph")]);
  }

  async function cancel(id: ColumnId): Promise<void> {
    try {
      await columns[id].call.cancel();
    } catch (error) {
      engine.say(`could not cancel: ${errorMessage(error)}`, "error");
    }
  }

  /** A saved run's outcome back into its column, marked as restored; false while the column runs. */
  function restoreResult(id: ColumnId, outcome: RunOutcome, from: RestoredFrom & { mode: string | null; backend: string | null; seed: number | null }): boolean {
    const column = columns[id];
    if (column.status === "running") return false;
    const result = outcome.ok ? outcome.result : null;
    const mode = (result?.mode ?? from.mode ?? (id === "eager" ? "eager" : settings.graphRunner)) as RunMode;
    if (id === "graph" && (mode === "graph:tfjs" || mode === "graph:ort")) settings.graphRunner = mode;
    clear(id);
    column.call.show(outcome);
    Object.assign(column, {
      ranWith: { mode, backend: result?.backend.name ?? from.backend ?? "?", repeat: result?.timings.warmRuns ?? 0, seed: result?.seed ?? from.seed ?? 0 },
      restored: { session: from.session, createdAt: from.createdAt, runId: from.runId },
    });
    return true;
  }

  /** The engine went away: what was running has failed. */
  function connectionLost(): void {
    for (const column of Object.values(columns)) {
      if (column.status === "running") {
        column.status = "failed";
        column.failure = "the connection to the engine closed";
      }
    }
  }

  return { settings, columns, runColumn, runBoth, cancel, restoreResult, connectionLost };
});
