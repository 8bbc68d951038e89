import { defineStore } from "pinia";
import { computed, reactive, ref, watch } from "vue";
import type { Result } from "../../../shared/contract";
import { useCall } from "../composables/use-call";
import { useEditor } from "./editor";
import { useRun } from "./run";

/** The graph view: the editor's model traced, with the IR before and after the passes (one `graph` call). */

export type GraphResult = Result<"graph">;

export const useGraph = defineStore("graph", () => {
  const editor = useEditor();
  const call = useCall("graph", { statusOf: (result) => (result.ok ? "done" : "failed") });
  /** The source the graph was traced from, to say when it is out of date. */
  const source = ref<string | null>(null);
  const open = ref(false);

  const graphView = reactive({
    open,
    status: call.status,
    callId: call.callId,
    result: call.result,
    failure: computed(() => (call.status.value === "cancelled" ? "cancelled" : call.failure.value)),
    source,
  });

  watch(
    () => editor.generation,
    () => call.reset(),
    { flush: "sync" },
  );

  async function loadGraph(): Promise<void> {
    open.value = true;
    if (call.status.value === "running") return;
    const run = useRun();
    const traced = editor.source;
    const result = await call.run({ model: editor.model(), backend: run.settings.graphBackend, seed: run.settings.seed, timeoutMs: Math.round(run.settings.timeoutS * 1000) });
    if (result) source.value = traced;
  }

  return { graphView, loadGraph, cancel: call.cancel };
});
