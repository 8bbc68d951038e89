import { defineStore } from "pinia";
import { computed, reactive, ref, shallowRef } from "vue";
import type { BackendInfo, BackendName } from "../../../shared/backends";
import { type TandemClient, errorCode } from "../../../shared/client";
import type { Download, Progress, Result } from "../../../shared/contract";
import type { LogEntry, RunMode, RunOutcome, SourceLocation } from "../../../shared/run";
import { EXAMPLES, type Example } from "../examples";
import { type Problem, fromDiagnostic, fromError, fromOutcome, mergeProblems } from "../lib/problems";
import { fetchDownload } from "../lib/transfers";
import { useSessions } from "./sessions";

/**
 * The window's state and what the user can do, in one Pinia store: the model being edited, the two
 * run columns (eager and graph), the graph view, the ONNX export, and the problems they found.
 * Every action goes through the contract's client; the components only read and call.
 */

export type ColumnId = "eager" | "graph";
export type GraphRunner = Extract<RunMode, "graph:tfjs" | "graph:ort">;
export type CallStatus = "idle" | "running" | "done" | "failed" | "cancelled";

export interface ColumnState {
  id: ColumnId;
  status: CallStatus;
  callId: string | null;
  progress: Progress | null;
  startedAt: number | null;
  finishedAt: number | null;
  outcome: RunOutcome | null;
  /** The call itself failed (connection, contract, cancel): its message. */
  failure: string | null;
  /** Lines logged while it runs (events), replaced by the outcome's own at the end. */
  liveLogs: LogEntry[];
  /** The settings it ran with, to show beside the result. */
  ranWith: { mode: RunMode; backend: string; repeat: number; seed: number } | null;
  /** The outcome is a saved run's, opened from a session (not run in this window). */
  restored: RestoredFrom | null;
  /** The run this window made was saved as this run: its charts can be kept with it. */
  saved: { runId: number } | null;
}

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

export type GraphResult = Result<"graph">;
export type ExportResult = Result<"export">;

export interface ExportSettings {
  /** A browser download of the file the engine keeps, or a path on the engine's machine. */
  destination: "download" | "path";
  path: string;
  opset: number;
  dynamicBatch: boolean;
  /** int8 weights, activations quantized per call (onnxruntime's quantize_dynamic). */
  quantize: boolean;
}

const emptyColumn = (id: ColumnId): ColumnState => ({
  id,
  status: "idle",
  callId: null,
  progress: null,
  startedAt: null,
  finishedAt: null,
  outcome: null,
  failure: null,
  liveLogs: [],
  ranWith: null,
  restored: null,
  saved: null,
});

const NEW_MODEL = `import { nn, F, type Tensor } from "tandem";

export default class Net extends nn.Module {
  fc1 = new nn.Linear(16, 32);
  fc2 = new nn.Linear(32, 4);

  forward(x: Tensor): Tensor {
    return this.fc2(F.relu(this.fc1(x)));
  }
}

// Example inputs: name -> shape (float32, drawn from N(0, 1)).
export const inputs = { x: [8, 16] };
`;

const message = (error: unknown) => (error instanceof Error ? error.message.replace(/^\[[a-z-]+\] /, "") : String(error));

export const useWorkbench = defineStore("workbench", () => {
  const client = shallowRef<TandemClient | null>(null);
  const connection = ref<"connecting" | "connected" | "lost" | "failed">("connecting");
  const connectionError = ref<string | null>(null);
  const hello = ref<Result<"hello"> | null>(null);
  const backends = ref<BackendInfo[]>([]);

  const filename = ref("model.ts");
  /** Where the file is on disk (desktop app's openFile/saveFile), null for a new or example model. */
  const filePath = ref<string | null>(null);
  const source = ref("");
  const savedSource = ref("");
  const exampleId = ref<string | null>(null);
  const dirty = computed(() => source.value !== savedSource.value);

  const settings = reactive<Settings>({ seed: 0, repeat: 10, timeoutS: 60, eagerBackend: "auto", graphBackend: "auto", graphRunner: "graph:tfjs" });
  const columns = reactive<Record<ColumnId, ColumnState>>({ eager: emptyColumn("eager"), graph: emptyColumn("graph") });

  const graphView = reactive({
    open: false,
    status: "idle" as CallStatus,
    callId: null as string | null,
    result: null as GraphResult | null,
    failure: null as string | null,
    /** The source the graph was traced from, to say when it is out of date. */
    source: null as string | null,
  });

  const exportState = reactive({
    open: false,
    status: "idle" as CallStatus,
    callId: null as string | null,
    result: null as ExportResult | null,
    failure: null as string | null,
    settings: { destination: "download", path: "", opset: 17, dynamicBatch: true, quantize: false } as ExportSettings,
    /** Handing the file to the browser failed (the export itself stands). */
    downloadError: null as string | null,
  });

  const checkProblems = ref<Problem[]>([]);
  /** A request for the editor to put its cursor somewhere; the nonce makes a repeat click count. */
  const reveal = ref<{ location: SourceLocation; nonce: number } | null>(null);
  const notice = ref<{ text: string; kind: "info" | "error"; nonce: number } | null>(null);

  const problems = computed<Problem[]>(() => {
    const lists: Problem[][] = [checkProblems.value];
    for (const column of Object.values(columns)) if (column.outcome) lists.push(fromOutcome(column.outcome, column.id));
    if (graphView.result && !graphView.result.ok) lists.push([fromError(graphView.result.error, "graph view"), ...graphView.result.diagnostics.map((d) => fromDiagnostic(d, "graph view"))]);
    if (exportState.result && !exportState.result.ok) lists.push([fromError(exportState.result.error, "export")]);
    return mergeProblems(lists);
  });

  const busy = computed(() => Object.values(columns).some((c) => c.status === "running"));
  const model = () => ({ source: source.value, filename: filename.value.trim() || "model.ts" });
  const stem = computed(() => (filename.value.split(/[\\/]/).pop() ?? "model.ts").replace(/\.[cm]?tsx?$/, ""));

  function say(text: string, kind: "info" | "error" = "info") {
    notice.value = { text, kind, nonce: Date.now() };
  }

  function attach(c: TandemClient) {
    client.value = c;
    c.on("log", (entry, job) => {
      for (const column of Object.values(columns)) if (column.callId === job && column.status === "running") column.liveLogs.push(entry);
    });
    c.on("progress", (progress, job) => {
      for (const column of Object.values(columns)) if (column.callId === job) column.progress = progress;
    });
    c.on("shell", (command) => {
      if (command.command === "new") newModel();
      else if (command.command === "open") load(command.path, command.text, command.path);
      else if (command.command === "save") void save(false);
      else if (command.command === "saveAs") void save(true);
      else if (command.command === "exportOnnx") {
        exportState.settings.path = command.path;
        exportState.settings.destination = "path";
        exportState.open = true;
        void runExport();
      }
    });
    c.hello().then(
      (h) => {
        hello.value = h;
        connection.value = "connected";
        // The desktop app writes where its Save dialog says; a browser downloads.
        if (h.files) exportState.settings.destination = "path";
        c.backends().then(
          (list) => (backends.value = list),
          (error: unknown) => say(`could not list the backends: ${message(error)}`, "error"),
        );
      },
      (error: unknown) => {
        connection.value = "failed";
        connectionError.value = message(error);
      },
    );
  }

  function connectionLost() {
    connection.value = "lost";
    for (const column of Object.values(columns)) {
      if (column.status === "running") {
        column.status = "failed";
        column.failure = "the connection to the engine closed";
      }
    }
  }

  function load(name: string, text: string, path: string | null, example: string | null = null) {
    filename.value = name;
    filePath.value = path;
    source.value = text;
    savedSource.value = text;
    exampleId.value = example;
    exportState.settings.path = `tandem-exports/${stem.value}.onnx`;
    clearResults();
    useSessions().sourceReplaced();
  }

  /** A saved run's source back in the editor (sessions sidebar); whatever the columns showed goes. */
  function restoreSource(name: string, text: string) {
    load(name, text, null);
  }

  /** A saved run's outcome back into its column, marked as restored; false while the column runs. */
  function restoreResult(id: ColumnId, outcome: RunOutcome, from: RestoredFrom & { mode: string | null; backend: string | null; seed: number | null }): boolean {
    const column = columns[id];
    if (column.status === "running") return false;
    const result = outcome.ok ? outcome.result : null;
    const mode = (result?.mode ?? from.mode ?? (id === "eager" ? "eager" : settings.graphRunner)) as RunMode;
    if (id === "graph" && (mode === "graph:tfjs" || mode === "graph:ort")) settings.graphRunner = mode;
    Object.assign(column, emptyColumn(id), {
      status: outcome.ok ? "done" : "failed",
      outcome,
      ranWith: { mode, backend: result?.backend.name ?? from.backend ?? "?", repeat: result?.timings.warmRuns ?? 0, seed: result?.seed ?? from.seed ?? 0 },
      restored: { session: from.session, createdAt: from.createdAt, runId: from.runId },
    } satisfies Partial<ColumnState>);
    return true;
  }

  function loadExample(example: Example) {
    load(example.filename, example.source, null, example.id);
  }

  function newModel() {
    load("model.ts", NEW_MODEL, null);
  }

  function clearResults() {
    for (const id of ["eager", "graph"] as const) if (columns[id].status !== "running") Object.assign(columns[id], emptyColumn(id));
    graphView.result = null;
    graphView.failure = null;
    graphView.status = "idle";
    exportState.result = null;
    exportState.failure = null;
    exportState.status = "idle";
    checkProblems.value = [];
  }

  async function runColumn(id: ColumnId): Promise<void> {
    const c = client.value;
    const column = columns[id];
    if (!c || column.status === "running") return;
    const sessions = useSessions();
    // Code opened from an imported bundle: the first run asks (both columns share one question).
    if (sessions.needsTrust && (!(await sessions.ensureTrusted()) || columns[id].status === "running")) return;
    const mode: RunMode = id === "eager" ? "eager" : settings.graphRunner;
    const backend = id === "eager" ? settings.eagerBackend : settings.graphBackend;
    const callId = c.nextId();
    Object.assign(column, emptyColumn(id), {
      status: "running",
      callId,
      startedAt: performance.now(),
      // Keep the last result on screen while the new one runs: no layout jump, dimmed by the view.
      outcome: column.outcome,
      ranWith: { mode, backend, repeat: settings.repeat, seed: settings.seed },
    } satisfies Partial<ColumnState>);
    try {
      const outcome = await c.run(
        { model: model(), mode, backend, seed: settings.seed, repeat: settings.repeat, timeoutMs: Math.round(settings.timeoutS * 1000), previewValues: 16, session: sessions.currentName },
        { id: callId },
      );
      sessions.noteSaved(outcome);
      if (column.callId !== callId) return;
      column.outcome = outcome;
      column.saved = outcome.saved ? { runId: outcome.saved.runId } : null;
      column.status = outcome.ok ? "done" : "failed";
    } catch (error) {
      if (column.callId !== callId) return;
      const cancelled = errorCode(error) === "cancelled";
      column.status = cancelled ? "cancelled" : "failed";
      column.failure = cancelled ? null : message(error);
      if (cancelled) column.outcome = null;
    } finally {
      if (column.callId === callId) {
        column.finishedAt = performance.now();
        column.progress = null;
      }
    }
  }

  async function runBoth(): Promise<void> {
    await Promise.all([runColumn("eager"), runColumn("graph")]);
  }

  async function cancel(id: ColumnId): Promise<void> {
    const column = columns[id];
    if (!client.value || !column.callId || column.status !== "running") return;
    try {
      await client.value.cancel(column.callId);
    } catch (error) {
      say(`could not cancel: ${message(error)}`, "error");
    }
  }

  async function cancelAll(): Promise<void> {
    await Promise.all([cancel("eager"), cancel("graph")]);
    if (graphView.status === "running" && graphView.callId) await client.value?.cancel(graphView.callId).catch(() => false);
    if (exportState.status === "running" && exportState.callId) await client.value?.cancel(exportState.callId).catch(() => false);
  }

  async function loadGraph(): Promise<void> {
    const c = client.value;
    if (!c) return;
    graphView.open = true;
    if (graphView.status === "running") return;
    const callId = c.nextId();
    Object.assign(graphView, { status: "running", callId, failure: null });
    const traced = source.value;
    try {
      const result = await c.graph({ model: model(), backend: settings.graphBackend, seed: settings.seed, timeoutMs: Math.round(settings.timeoutS * 1000) }, { id: callId });
      graphView.result = result;
      graphView.source = traced;
      graphView.status = result.ok ? "done" : "failed";
    } catch (error) {
      const cancelled = errorCode(error) === "cancelled";
      graphView.status = cancelled ? "cancelled" : "failed";
      graphView.failure = cancelled ? "cancelled" : message(error);
    }
  }

  /** Hands an exported file to the browser; the engine keeps it, so the dialog can offer it again. */
  async function downloadExport(file: Download): Promise<void> {
    exportState.downloadError = null;
    try {
      await fetchDownload(file);
    } catch (error) {
      exportState.downloadError = message(error);
    }
  }

  async function runExport(): Promise<void> {
    const c = client.value;
    if (!c || exportState.status === "running") return;
    const sessions = useSessions();
    if (sessions.needsTrust && (!(await sessions.ensureTrusted()) || (exportState.status as CallStatus) === "running")) return;
    const callId = c.nextId();
    Object.assign(exportState, { status: "running", callId, failure: null, result: null, downloadError: null });
    try {
      const { destination, path, opset, dynamicBatch, quantize } = exportState.settings;
      const result = await c.export(
        {
          model: model(),
          ...(destination === "path" ? { path: path.trim() || `tandem-exports/${stem.value}.onnx` } : {}),
          opset,
          dynamicBatch,
          quantize: quantize ? "dynamic-int8" : "none",
          backend: settings.graphBackend,
          seed: settings.seed,
          timeoutMs: Math.max(60_000, Math.round(settings.timeoutS * 1000)),
          session: sessions.currentName,
        },
        { id: callId },
      );
      sessions.noteSaved(result);
      exportState.result = result;
      exportState.status = result.ok ? "done" : "failed";
      if (result.ok && result.download) await downloadExport(result.download);
    } catch (error) {
      const cancelled = errorCode(error) === "cancelled";
      exportState.status = cancelled ? "cancelled" : "failed";
      exportState.failure = cancelled ? "cancelled" : message(error);
    }
  }

  async function check(): Promise<void> {
    const c = client.value;
    if (!c) return;
    try {
      const { diagnostics } = await c.check({ model: model() });
      checkProblems.value = diagnostics.map((d) => fromDiagnostic(d, "check"));
      say(diagnostics.length ? `${diagnostics.length} type problem${diagnostics.length === 1 ? "" : "s"}` : "no type errors");
    } catch (error) {
      say(`type check failed: ${message(error)}`, "error");
    }
  }

  /** Open a model: the desktop app's dialog when the host offers files, else the caller's file input. */
  async function openWithHost(): Promise<boolean> {
    const c = client.value;
    if (!c || !hello.value?.files) return false;
    try {
      const result = await c.openFile({});
      if ("path" in result) load(result.path.split(/[\\/]/).pop() ?? result.path, result.text, result.path);
    } catch (error) {
      say(`could not open: ${message(error)}`, "error");
    }
    return true;
  }

  function openText(name: string, text: string) {
    load(name, text, null);
  }

  /** Save: through the host (desktop: native dialog / the file's path), else as a browser download. */
  async function save(saveAs: boolean): Promise<"host" | "download"> {
    const c = client.value;
    if (c && hello.value?.files) {
      try {
        const result = await c.saveFile({ path: saveAs ? null : filePath.value, text: source.value });
        if ("path" in result) {
          filePath.value = result.path;
          filename.value = result.path.split(/[\\/]/).pop() ?? result.path;
          savedSource.value = source.value;
          say(`saved ${result.path}`);
        }
      } catch (error) {
        say(`could not save: ${message(error)}`, "error");
      }
      return "host";
    }
    savedSource.value = source.value;
    return "download";
  }

  function revealLocation(location: SourceLocation) {
    reveal.value = { location, nonce: Date.now() + Math.random() };
  }

  return {
    client,
    connection,
    connectionError,
    hello,
    backends,
    filename,
    filePath,
    source,
    exampleId,
    dirty,
    stem,
    settings,
    columns,
    graphView,
    exportState,
    downloadExport,
    problems,
    busy,
    reveal,
    notice,
    examples: EXAMPLES,
    attach,
    connectionLost,
    loadExample,
    newModel,
    openText,
    openWithHost,
    save,
    runColumn,
    runBoth,
    cancel,
    cancelAll,
    loadGraph,
    runExport,
    restoreSource,
    restoreResult,
    check,
    revealLocation,
    say,
  };
});
