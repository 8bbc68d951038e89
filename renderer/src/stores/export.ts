import { defineStore } from "pinia";
import { computed, reactive, ref, watch } from "vue";
import { errorMessage } from "../../../shared/client";
import type { Download, Result } from "../../../shared/contract";
import { type CallStatus, useCall } from "../composables/use-call";
import { fetchDownload } from "../lib/transfers";
import { useEditor } from "./editor";
import { useEngine } from "./engine";
import { useImportedCode } from "./imported-code";
import { useRun } from "./run";
import { useSessions } from "./sessions";

/** The Export ONNX dialog: its settings, the one `export` call, and handing the file to the browser. */

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

export const useExport = defineStore("export", () => {
  const engine = useEngine();
  const editor = useEditor();
  const call = useCall("export", { statusOf: (result) => (result.ok ? "done" : "failed") });
  const open = ref(false);
  const settings = reactive<ExportSettings>({ destination: "download", path: "", opset: 17, dynamicBatch: true, quantize: false });
  /** Handing the file to the browser failed (the export itself stands). */
  const downloadError = ref<string | null>(null);

  const exportState = reactive({
    open,
    status: call.status,
    callId: call.callId,
    result: call.result,
    failure: computed(() => (call.status.value === "cancelled" ? "cancelled" : call.failure.value)),
    settings,
    downloadError,
  });

  // The desktop app writes where its Save dialog says; a browser downloads.
  watch(
    () => engine.hello?.files,
    (files) => {
      if (files) settings.destination = "path";
    },
    { immediate: true },
  );
  watch(
    () => editor.generation,
    () => {
      settings.path = `tandem-exports/${editor.stem}.onnx`;
      call.reset();
    },
    { flush: "sync", immediate: true },
  );

  /** Hands an exported file to the browser; the engine keeps it, so the dialog can offer it again. */
  async function downloadExport(file: Download): Promise<void> {
    downloadError.value = null;
    try {
      await fetchDownload(file);
    } catch (error) {
      downloadError.value = errorMessage(error);
    }
  }

  async function runExport(): Promise<void> {
    if (!engine.client || call.status.value === "running") return;
    const guard = useImportedCode();
    if (guard.needsTrust && (!(await guard.ensureTrusted()) || (call.status.value as CallStatus) === "running")) return;
    const run = useRun();
    const sessions = useSessions();
    call.reset();
    downloadError.value = null;
    const { destination, path, opset, dynamicBatch, quantize } = settings;
    const result = await call.run({
      model: editor.model(),
      ...(destination === "path" ? { path: path.trim() || `tandem-exports/${editor.stem}.onnx` } : {}),
      opset,
      dynamicBatch,
      quantize: quantize ? "dynamic-int8" : "none",
      backend: run.settings.graphBackend,
      seed: run.settings.seed,
      timeoutMs: Math.max(60_000, Math.round(run.settings.timeoutS * 1000)),
      session: sessions.currentName,
    });
    if (!result) return;
    sessions.noteSaved(result);
    if (result.ok && result.download) await downloadExport(result.download);
  }

  /** Opens the dialog on an export to this path (the desktop menu's Export ONNX…) and runs it. */
  function exportTo(path: string): Promise<void> {
    settings.path = path;
    settings.destination = "path";
    open.value = true;
    return runExport();
  }

  return { exportState, downloadExport, runExport, exportTo, cancel: call.cancel };
});
