import { defineStore } from "pinia";
import { computed, reactive, ref, shallowRef, watch } from "vue";
import { errorMessage } from "../../../shared/client";
import type { SavedInto } from "../../../shared/contract";
import type { Comparison, RunRecord, RunSummary, SessionDetail, SessionInfo, SourceSnapshot } from "../../../shared/sessions";
import { defaultSessionName, sessionMatches, sortSessions, uniqueName, withRuns, withSession } from "../lib/sessions";
import { readLocal, writeLocal } from "../lib/local";
import { fetchDownload, uploadFile } from "../lib/transfers";
import { useEngine } from "./engine";

/**
 * Saved sessions as the window sees them: which session new runs go to, the sidebar's list and the
 * selected session's runs, bundles in and out, and the compare view's data. It knows nothing of
 * the editor or the run columns: opening a past run into them is reopen.ts's, and the guard in
 * front of code that came in a bundle is imported-code.ts's.
 *
 * Other stores save into `currentName` (pass it as `session` to run, export and bench) and hand
 * each reply to `noteSaved`.
 */

const CURRENT_KEY = "tandem.session";

export type LoadStatus = "idle" | "loading" | "done" | "failed";

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

  const engine = useEngine();
  const client = () => {
    const c = engine.client;
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
          listError.value = errorMessage(error);
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
      engine.say(`could not open the session: ${errorMessage(error)}`, "error");
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
    if (reply.saveError) engine.say(`The result is shown but was not saved to “${currentName.value}”: ${reply.saveError}`, "error");
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
      engine.say(`could not create a session: ${errorMessage(error)}`, "error");
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
      engine.say(`could not rename: ${errorMessage(error)}`, "error");
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
      engine.say(`could not save the notes: ${errorMessage(error)}`, "error");
      return false;
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      const { session, runs } = await client().call("sessionDelete", { session: id });
      if (session.name === currentName.value) currentName.value = defaultSessionName();
      checked.value = checked.value.filter((r) => r.sessionId !== id);
      if (selectedId.value === id) await select(null);
      engine.say(`deleted “${session.name}” and its ${runs} run${runs === 1 ? "" : "s"}`);
      await refresh();
    } catch (error) {
      engine.say(`could not delete: ${errorMessage(error)}`, "error");
    }
  }

  // ---- bundles ---------------------------------------------------------------------------------

  async function exportSession(id: number): Promise<void> {
    busy.exporting = id;
    try {
      const { download: file, runs } = await client().call("sessionExport", { session: id });
      await fetchDownload(file);
      engine.say(`exported ${runs} run${runs === 1 ? "" : "s"} as ${file.name}`);
    } catch (error) {
      engine.say(`could not export the session: ${errorMessage(error)}`, "error");
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
      engine.say(`Imported ${result.imported} run${result.imported === 1 ? "" : "s"} into “${result.session.name}”${result.skipped ? ` (${result.skipped} already here, skipped)` : ""}`);
      await refresh();
      await select(result.session.id);
    } catch (error) {
      engine.say(`could not import ${file.name}: ${errorMessage(error)}`, "error");
    } finally {
      busy.importing = false;
    }
  }

  // ---- opening past runs -------------------------------------------------------------------------



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
      compare.failure = errorMessage(error);
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
    toggleChecked,
    compareRuns,
    closeCompare,
  };
});
