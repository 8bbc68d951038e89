import { defineStore } from "pinia";
import { errorMessage } from "../../../shared/client";
import type { RunRecord, RunSummary, SourceSnapshot } from "../../../shared/sessions";
import { columnFor, importedFrom, toRunOutcome } from "../lib/sessions";
import { useEditor } from "./editor";
import { useEngine } from "./engine";
import { useImportedCode } from "./imported-code";
import { useRun } from "./run";
import { useSessions } from "./sessions";

/**
 * Saved runs back in the window: a run's source into the editor (asking first when the editor holds
 * unsaved changes) and its outcome into its column, marked as restored; a session opened as its
 * latest run. The one store that joins the sessions sidebar to the editor and the run columns, so
 * that neither of those and the sessions store import one another.
 */
export const useReopen = defineStore("reopen", () => {
  const engine = useEngine();
  const editor = useEditor();
  const runColumns = useRun();
  const sessions = useSessions();
  const guard = useImportedCode();
  const client = () => {
    const c = engine.client;
    if (!c) throw new Error("not connected to the engine");
    return c;
  };

  async function sourceOf(record: Pick<RunRecord, "sourceId">): Promise<SourceSnapshot | null> {
    if (!record.sourceId) return null;
    return client().call("sourceGet", { hash: record.sourceId });
  }
  /** The file name the editor takes for a restored source: the run's own, or the snapshot's entry for imported runs. */
  function editorName(record: RunRecord, snapshot: SourceSnapshot): string {
    return importedFrom(record.origin) || !record.modelFile ? snapshot.entry : record.modelFile;
  }

  /**
   * Opens saved runs: the first one's source into the editor (asking first when the editor holds
   * unsaved changes), and each one's result into its column (eager or graph), marked as restored.
   */
  async function openRuns(ids: number[], confirmDiscard: (what: string) => boolean = (what) => window.confirm(what)): Promise<boolean> {
    const first = ids[0];
    if (first === undefined) return false;
    sessions.busy.opening = first;
    try {
      const records = await Promise.all(ids.map((id) => client().call("runGet", { run: id })));
      const lead = records[0] as RunRecord;
      const snapshot = await sourceOf(lead).catch(() => null);
      if (snapshot) {
        const entry = snapshot.files.find((f) => f.path === snapshot.entry) ?? snapshot.files[0];
        if (entry) {
          if (editor.dirty && editor.source !== entry.text && !confirmDiscard(`Discard your changes to ${editor.filename} and open the source of run #${lead.id}?`)) return false;
          editor.restoreSource(editorName(lead, snapshot), entry.text);
          const bundle = importedFrom(lead.origin);
          if (bundle) guard.imported = { bundle, hash: snapshot.hash, runId: lead.id, session: lead.sessionName };
          if (snapshot.files.length > 1) engine.say(`Run #${lead.id}'s model imports ${snapshot.files.length - 1} more file${snapshot.files.length === 2 ? "" : "s"}: the editor holds ${snapshot.entry} alone; its imports resolve from disk.`);
        }
      } else {
        engine.say(`Run #${lead.id}'s source was not saved: its result is shown, the editor is unchanged.`, "error");
      }
      let shown = 0;
      for (const record of records) {
        const column = record.kind === "run" ? columnFor(record.mode ?? (record.outcome.ok ? record.outcome.result.mode : null)) : null;
        if (!column) continue;
        if (runColumns.restoreResult(column, toRunOutcome(record.outcome), { session: record.sessionName, createdAt: record.createdAt, runId: record.id, mode: record.mode, backend: record.backend, seed: record.seed })) shown++;
      }
      if (!shown && lead.kind !== "run") engine.say(`Opened the source of ${lead.kind} #${lead.id}; its results are not a run's and stay in the sessions sidebar.`);
      return true;
    } catch (error) {
      engine.say(`could not open the run: ${errorMessage(error)}`, "error");
      return false;
    } finally {
      sessions.busy.opening = null;
    }
  }

  /**
   * Opens one saved run, and its partner in the other column when there is one: a run of the other
   * column from the same source (snapshot), the one made closest in time (Run both makes two).
   */
  async function openRun(run: RunSummary, runs: readonly RunSummary[] = sessions.detail?.runs ?? []): Promise<boolean> {
    const column = columnFor(run.mode);
    const source = run.sourceId ?? run.sourceHash;
    const partner =
      run.kind === "run" && column && source
        ? [...runs]
            .filter((r) => r.kind === "run" && (r.sourceId ?? r.sourceHash) === source && columnFor(r.mode) && columnFor(r.mode) !== column && r.id !== run.id)
            .sort((a, b) => Math.abs(Date.parse(a.createdAt) - Date.parse(run.createdAt)) - Math.abs(Date.parse(b.createdAt) - Date.parse(run.createdAt)))[0]
        : undefined;
    return openRuns(partner ? [run.id, partner.id] : [run.id]);
  }

  /** Opens a session: new runs go to it, and its latest run comes back into the editor and columns. */
  async function openSession(id: number): Promise<boolean> {
    await sessions.select(id);
    const session = sessions.detail;
    if (!session || session.id !== id) return false;
    sessions.makeCurrent(session.name);
    const latest = [...session.runs].filter((r) => r.sourceId).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)[0];
    if (!latest) {
      engine.say(`“${session.name}” has no runs yet: new runs are saved to it`);
      return true;
    }
    return openRun(latest, session.runs);
  }


  return { openRuns, openRun, openSession };
});
