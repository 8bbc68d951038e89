import { defineStore } from "pinia";
import { computed, reactive, ref, shallowRef, watch } from "vue";
import type { SavedInto } from "../../../shared/contract";
import type { Comparison, RunRecord, RunSummary, SessionDetail, SessionInfo, SourceSnapshot } from "../../../shared/sessions";
import { columnFor, defaultSessionName, importedFrom, sessionMatches, toRunOutcome, sortSessions, uniqueName, withRuns, withSession } from "../lib/sessions";
import { readLocal, writeLocal } from "../lib/local";
import { fetchDownload, uploadFile } from "../lib/transfers";
import { importedCodeGuard } from "./imported-code";
import { useWorkbench } from "./workbench";


/**
 * Saved sessions as the window sees them: which session new runs go to, the sidebar's list and the
 * selected session's runs, opening a past run (its source into the editor, its result into its
 * column), bundles in and out, the compare view's data, and the guard in front of code that came
 * in a bundle.
 *
 * Other stores save into `currentName` (pass it as `session` to run, export and bench), hand each
 * reply to `noteSaved`, and call `ensureTrusted()` before running anything (see below).
 *
 * Imported code: see imported-code.ts.
 */

const CURRENT_KEY = "tandem.session";

export type LoadStatus = "idle" | "loading" | "done" | "failed";

const message = (error: unknown) => (error instanceof Error ? error.message.replace(/^\[[a-z-]+\] /, "") : String(error));

export const useSessions = defineStore("sessions", () => {
  /** The session new runs are saved into: the last one used, else today's (created by the first run). */
  const currentName = ref(readLocal(CURRENT_KEY) || defaultSessionName());
  watch(currentName, (name) => writeLocal(CURRENT_KEY, name));

  const list = ref<SessionInfo[]>([]);
  const listStatus = ref<LoadStatus>("idle");
  const listError = ref<string | null>(null);
  const selectedId = ref<number | null>(null);
  const detail = shallowRef<SessionDetail | null>(null);
  const detailStatus = ref<LoadStatus>("idle");
  const search = ref("");
  /** Model files of each session's runs, for search, with the session's updatedAt they were read at. */
  const modelFiles = reactive<Record<number, { stamp: string; files: string[] }>>({});
  /** Runs ticked for comparing, in the order ticked (the first is the baseline), with their summaries. */
  const checked = ref<RunSummary[]>([]);
  const busy = reactive({ importing: false, exporting: null as number | null, opening: null as number | null });

  const current = computed(() => list.value.find((s) => s.name === currentName.value) ?? null);
  const selected = computed(() => list.value.find((s) => s.id === selectedId.value) ?? null);
  const filtered = computed(() => list.value.filter((s) => sessionMatches(s, modelFiles[s.id]?.files, search.value)));
  /** Whether a search still waits for some sessions' model files. */
  const searching = computed(() => !!search.value.trim() && list.value.some((s) => modelFiles[s.id]?.stamp !== s.updatedAt));

  const wb = () => useWorkbench();
  const client = () => {
    const c = wb().client;
    if (!c) throw new Error("not connected to the engine");
    return c;
  };

  // ---- the list and the selected session -------------------------------------------------------

  let refreshing: Promise<void> | null = null;
  let again = false;
  /** Reloads the list, and the selected session's runs; calls made meanwhile coalesce into one more. */
  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        if (listStatus.value !== "done") listStatus.value = "loading";
        try {
          list.value = sortSessions(await client().call("sessionsList", {}));
          listStatus.value = "done";
          listError.value = null;
        } catch (error) {
          listStatus.value = "failed";
          listError.value = message(error);
        }
        if (selectedId.value !== null) await loadDetail(selectedId.value);
        if (search.value.trim()) void loadModelFiles();
      } while (again);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  async function loadDetail(id: number): Promise<void> {
    if (detail.value?.id !== id) detailStatus.value = "loading";
    try {
      const found = await client().call("sessionOpen", { session: id, create: false });
      if (selectedId.value !== id) return;
      detail.value = found;
      detailStatus.value = "done";
      modelFiles[id] = { stamp: found.updatedAt, files: [...new Set(found.runs.map((r) => r.modelFile))] };
    } catch (error) {
      if (selectedId.value !== id) return;
      detailStatus.value = "failed";
      detail.value = null;
      wb().say(`could not open the session: ${message(error)}`, "error");
    }
  }

  async function select(id: number | null): Promise<void> {
    selectedId.value = id;
    if (id === null) {
      detail.value = null;
      detailStatus.value = "idle";
      return;
    }
    await loadDetail(id);
  }

  /** Reads the runs of sessions not yet searched through, a few at a time. */
  let loadingFiles = false;
  async function loadModelFiles(): Promise<void> {
    if (loadingFiles) return;
    loadingFiles = true;
    try {
      const todo = list.value.filter((s) => modelFiles[s.id]?.stamp !== s.updatedAt);
      for (let i = 0; i < todo.length; i += 4) {
        await Promise.all(
          todo.slice(i, i + 4).map(async (s) => {
            try {
              const found = await client().call("sessionOpen", { session: s.id, create: false });
              modelFiles[s.id] = { stamp: s.updatedAt, files: [...new Set(found.runs.map((r) => r.modelFile))] };
            } catch {
              modelFiles[s.id] = { stamp: s.updatedAt, files: [] };
            }
          }),
        );
      }
    } finally {
      loadingFiles = false;
    }
  }
  watch(search, (q) => {
    if (q.trim()) void loadModelFiles();
  });

  // ---- saving ----------------------------------------------------------------------------------

  /**
   * What a run, export or bench reply says about saving: where it went, which the sidebar takes in
   * as it is (the reply carries the session and the runs it gained, so nothing is fetched again),
   * or why it was not saved (a notice; the result itself is shown all the same).
   */
  function noteSaved(reply: { saved?: SavedInto; saveError?: string }): void {
    if (reply.saveError) wb().say(`The result is shown but was not saved to “${currentName.value}”: ${reply.saveError}`, "error");
    if (!reply.saved) return;
    writeLocal(CURRENT_KEY, currentName.value);
    const { info, runs } = reply.saved;
    const before = list.value.find((s) => s.id === info.id);
    list.value = withSession(list.value, info);
    const known = modelFiles[info.id];
    // Search's model files stay complete when they were: these runs' files join them.
    if (known && known.stamp === before?.updatedAt) modelFiles[info.id] = { stamp: info.updatedAt, files: [...new Set([...known.files, ...runs.map((r) => r.modelFile)])] };
    if (detail.value?.id === info.id) detail.value = withRuns(detail.value, info, runs);
    else if (selectedId.value === null) {
      selectedId.value = info.id;
      // A session this window saw begin holds only these runs; an older one is read once.
      if (info.runCount === runs.length) {
        detail.value = { ...info, runs };
        detailStatus.value = "done";
      } else void loadDetail(info.id);
    }
  }

  function makeCurrent(name: string): void {
    currentName.value = name;
  }

  async function newSession(): Promise<SessionInfo | null> {
    try {
      await refresh();
      const name = uniqueName(defaultSessionName(), list.value.map((s) => s.name));
      const created = await client().call("sessionOpen", { session: name, create: true });
      currentName.value = created.name;
      await refresh();
      await select(created.id);
      return list.value.find((s) => s.id === created.id) ?? null;
    } catch (error) {
      wb().say(`could not create a session: ${message(error)}`, "error");
      return null;
    }
  }

  async function rename(id: number, name: string): Promise<boolean> {
    const before = list.value.find((s) => s.id === id);
    const wanted = name.trim();
    if (!wanted || wanted === before?.name) return true;
    try {
      const info = await client().call("sessionRename", { session: id, name: wanted });
      if (before && before.name === currentName.value) currentName.value = info.name;
      await refresh();
      return true;
    } catch (error) {
      wb().say(`could not rename: ${message(error)}`, "error");
      return false;
    }
  }

  async function saveNotes(id: number, notes: string): Promise<boolean> {
    try {
      const info = await client().call("sessionNotes", { session: id, notes });
      list.value = list.value.map((s) => (s.id === id ? info : s));
      if (detail.value?.id === id) detail.value = { ...detail.value, ...info, runs: detail.value.runs };
      return true;
    } catch (error) {
      wb().say(`could not save the notes: ${message(error)}`, "error");
      return false;
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      const { session, runs } = await client().call("sessionDelete", { session: id });
      if (session.name === currentName.value) currentName.value = defaultSessionName();
      checked.value = checked.value.filter((r) => r.sessionId !== id);
      if (selectedId.value === id) await select(null);
      wb().say(`deleted “${session.name}” and its ${runs} run${runs === 1 ? "" : "s"}`);
      await refresh();
    } catch (error) {
      wb().say(`could not delete: ${message(error)}`, "error");
    }
  }

  // ---- bundles ---------------------------------------------------------------------------------

  async function exportSession(id: number): Promise<void> {
    busy.exporting = id;
    try {
      const { download: file, runs } = await client().call("sessionExport", { session: id });
      await fetchDownload(file);
      wb().say(`exported ${runs} run${runs === 1 ? "" : "s"} as ${file.name}`);
    } catch (error) {
      wb().say(`could not export the session: ${message(error)}`, "error");
    } finally {
      busy.exporting = null;
    }
  }

  /** Reads a .tandem bundle into its own session (named in the bundle). Nothing in it runs. */
  async function importBundle(file: File): Promise<void> {
    busy.importing = true;
    try {
      const id = await uploadFile(file);
      const result = await client().call("sessionImport", { from: { upload: id } });
      wb().say(`Imported ${result.imported} run${result.imported === 1 ? "" : "s"} into “${result.session.name}”${result.skipped ? ` (${result.skipped} already here, skipped)` : ""}`);
      await refresh();
      await select(result.session.id);
    } catch (error) {
      wb().say(`could not import ${file.name}: ${message(error)}`, "error");
    } finally {
      busy.importing = false;
    }
  }

  // ---- opening past runs -------------------------------------------------------------------------

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
    busy.opening = first;
    try {
      const records = await Promise.all(ids.map((id) => client().call("runGet", { run: id })));
      const lead = records[0] as RunRecord;
      const snapshot = await sourceOf(lead).catch(() => null);
      const w = wb();
      if (snapshot) {
        const entry = snapshot.files.find((f) => f.path === snapshot.entry) ?? snapshot.files[0];
        if (entry) {
          if (w.dirty && w.source !== entry.text && !confirmDiscard(`Discard your changes to ${w.filename} and open the source of run #${lead.id}?`)) return false;
          w.restoreSource(editorName(lead, snapshot), entry.text);
          const bundle = importedFrom(lead.origin);
          if (bundle) imported.value = { bundle, hash: snapshot.hash, runId: lead.id, session: lead.sessionName };
          if (snapshot.files.length > 1) w.say(`Run #${lead.id}'s model imports ${snapshot.files.length - 1} more file${snapshot.files.length === 2 ? "" : "s"}: the editor holds ${snapshot.entry} alone; its imports resolve from disk.`);
        }
      } else {
        w.say(`Run #${lead.id}'s source was not saved: its result is shown, the editor is unchanged.`, "error");
      }
      let shown = 0;
      for (const record of records) {
        const column = record.kind === "run" ? columnFor(record.mode ?? (record.outcome.ok ? record.outcome.result.mode : null)) : null;
        if (!column) continue;
        if (w.restoreResult(column, toRunOutcome(record.outcome), { session: record.sessionName, createdAt: record.createdAt, runId: record.id, mode: record.mode, backend: record.backend, seed: record.seed })) shown++;
      }
      if (!shown && lead.kind !== "run") w.say(`Opened the source of ${lead.kind} #${lead.id}; its results are not a run's and stay in the sessions sidebar.`);
      return true;
    } catch (error) {
      wb().say(`could not open the run: ${message(error)}`, "error");
      return false;
    } finally {
      busy.opening = null;
    }
  }

  /**
   * Opens one saved run, and its partner in the other column when there is one: a run of the other
   * column from the same source (snapshot), the one made closest in time (Run both makes two).
   */
  async function openRun(run: RunSummary, runs: readonly RunSummary[] = detail.value?.runs ?? []): Promise<boolean> {
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
    await select(id);
    const session = detail.value;
    if (!session || session.id !== id) return false;
    currentName.value = session.name;
    const latest = [...session.runs].filter((r) => r.sourceId).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)[0];
    if (!latest) {
      wb().say(`“${session.name}” has no runs yet: new runs are saved to it`);
      return true;
    }
    return openRun(latest, session.runs);
  }

  const { imported, needsTrust, trustPrompt, ensureTrusted, answerTrust, sourceReplaced } = importedCodeGuard();

  // ---- compare -----------------------------------------------------------------------------------

  const compare = reactive({
    open: false,
    status: "idle" as LoadStatus,
    runIds: [] as number[],
    result: null as Comparison | null,
    records: [] as RunRecord[],
    sources: {} as Record<string, SourceSnapshot | null>,
    failure: null as string | null,
  });

  function toggleChecked(run: RunSummary): void {
    checked.value = checked.value.some((r) => r.id === run.id) ? checked.value.filter((r) => r.id !== run.id) : [...checked.value, run];
  }

  let compareToken = 0;
  async function compareRuns(ids: number[] = checked.value.map((r) => r.id)): Promise<void> {
    if (ids.length < 2) return;
    const token = ++compareToken;
    Object.assign(compare, { open: true, status: "loading", runIds: [...ids], failure: null });
    try {
      const c = client();
      const [result, records] = await Promise.all([c.call("runsCompare", { runs: ids, onlyDiff: false }), Promise.all(ids.map((id) => c.call("runGet", { run: id })))]);
      const hashes = [...new Set(records.map((r) => r.sourceId).filter((h): h is string => !!h))];
      const snapshots = await Promise.all(hashes.map((hash) => c.call("sourceGet", { hash }).catch(() => null)));
      if (token !== compareToken) return;
      compare.result = result;
      compare.records = records;
      compare.sources = Object.fromEntries(hashes.map((h, i) => [h, snapshots[i] ?? null]));
      compare.status = "done";
    } catch (error) {
      if (token !== compareToken) return;
      compare.status = "failed";
      compare.failure = message(error);
    }
  }

  function closeCompare(): void {
    compare.open = false;
  }

  return {
    currentName,
    current,
    list,
    listStatus,
    listError,
    filtered,
    searching,
    search,
    selectedId,
    selected,
    detail,
    detailStatus,
    checked,
    busy,
    imported,
    needsTrust,
    trustPrompt,
    compare,
    refresh,
    select,
    noteSaved,
    makeCurrent,
    newSession,
    rename,
    saveNotes,
    remove,
    exportSession,
    importBundle,
    openRuns,
    openRun,
    openSession,
    ensureTrusted,
    answerTrust,
    sourceReplaced,
    toggleChecked,
    compareRuns,
    closeCompare,
  };
});
