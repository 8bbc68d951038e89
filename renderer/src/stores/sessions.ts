import { defineStore } from "pinia";
import { computed, reactive, ref, shallowRef, watch } from "vue";
import type { Download } from "../../../shared/contract";
import type { Comparison, RunRecord, RunSummary, SavedRef, SessionDetail, SessionInfo, SourceSnapshot } from "../../../shared/sessions";
import { download } from "../lib/data-export";
import { columnFor, defaultSessionName, importedFrom, sessionMatches, toRunOutcome, uniqueName } from "../lib/sessions";
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
 * Imported code: when the editor's source is opened from a run imported from a bundle (origin
 * "imported-from <file>"), `imported` is set. The next run of any kind asks first, once per imported
 * source (its snapshot hash, remembered in localStorage). Edits keep the flag: code from elsewhere
 * with a line changed is still mostly code from elsewhere. Loading another model (an example, New,
 * Open, a local run's source) clears it.
 */

const CURRENT_KEY = "tandem.session";
const TRUSTED_KEY = "tandem.trustedSources";
const TRUSTED_MAX = 200;

export interface ImportedCode {
  /** The bundle's file name, as the run's origin says. */
  bundle: string;
  /** The imported source snapshot's hash: what "run it anyway" is remembered by. */
  hash: string;
  runId: number;
  session: string;
}

export type LoadStatus = "idle" | "loading" | "done" | "failed";

const readLocal = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const writeLocal = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage full or off: the session is then forgotten on reload, nothing else
  }
};

const message = (error: unknown) => (error instanceof Error ? error.message.replace(/^\[[a-z-]+\] /, "") : String(error));

/** Fetches a file the engine offers (GET download/<id>, same origin and cookie) and hands it to the browser. */
export async function fetchDownload(file: Download): Promise<void> {
  const response = await fetch(`download/${encodeURIComponent(file.id)}`, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`the engine answered ${response.status}: ${(await response.text()).trim().slice(0, 200)}`);
  download(file.name, await response.blob(), file.mediaType);
}

/** Sends a file to the engine (POST upload, same origin and cookie); resolves with the id it answers. */
export async function uploadFile(file: File): Promise<string> {
  const response = await fetch(`upload?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/octet-stream" },
    body: file,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the engine answered ${response.status}: ${text.trim().slice(0, 200)}`);
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== "string" || !id) throw new Error("the engine's answer to the upload has no id");
  return id;
}

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
          list.value = [...(await client().call("sessionsList", {}))].sort((a, b) => (b.lastRunAt ?? b.updatedAt).localeCompare(a.lastRunAt ?? a.updatedAt));
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

  let refreshTimer: number | undefined;
  /** A refresh soon: both columns of a run save within moments of each other. */
  function refreshSoon(): void {
    clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => void refresh(), 150);
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
   * What a run, export or bench reply says about saving: where it went (the sidebar follows), or
   * why it was not saved (a notice; the result itself is shown all the same).
   */
  function noteSaved(reply: { saved?: SavedRef; saveError?: string }): void {
    if (reply.saveError) wb().say(`The result is shown but was not saved to “${currentName.value}”: ${reply.saveError}`, "error");
    if (reply.saved) {
      writeLocal(CURRENT_KEY, currentName.value);
      if (selectedId.value === null) selectedId.value = reply.saved.sessionId;
      refreshSoon();
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

  // ---- code from elsewhere -----------------------------------------------------------------------

  const imported = ref<ImportedCode | null>(null);
  const trusted = ref<string[]>(
    (() => {
      try {
        const parsed: unknown = JSON.parse(readLocal(TRUSTED_KEY) ?? "[]");
        return Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === "string") : [];
      } catch {
        return [];
      }
    })(),
  );
  /** The question on screen, while one is asked. */
  const trustPrompt = ref<{ bundle: string; session: string; runId: number } | null>(null);
  let answer: ((ok: boolean) => void) | null = null;
  let asking: Promise<boolean> | null = null;

  /** Whether the next run must ask first. */
  const needsTrust = computed(() => !!imported.value && !trusted.value.includes(imported.value.hash));

  /**
   * Resolves true when running the editor's model may go ahead: at once for local code, else once
   * the user said Run in the dialog (false on Cancel). Callers at the same moment share one question.
   */
  function ensureTrusted(): Promise<boolean> {
    const code = imported.value;
    if (!code || trusted.value.includes(code.hash)) return Promise.resolve(true);
    if (asking) return asking;
    trustPrompt.value = { bundle: code.bundle, session: code.session, runId: code.runId };
    asking = new Promise<boolean>((resolve) => (answer = resolve)).then((ok) => {
      if (ok) {
        trusted.value = [code.hash, ...trusted.value.filter((h) => h !== code.hash)].slice(0, TRUSTED_MAX);
        writeLocal(TRUSTED_KEY, JSON.stringify(trusted.value));
      }
      trustPrompt.value = null;
      asking = null;
      answer = null;
      return ok;
    });
    return asking;
  }

  function answerTrust(ok: boolean): void {
    answer?.(ok);
  }

  /** The editor got another model (example, New, Open): whatever came from a bundle is gone. */
  function sourceReplaced(): void {
    imported.value = null;
  }

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
