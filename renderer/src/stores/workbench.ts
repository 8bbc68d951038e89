import { defineStore } from "pinia";
import { computed } from "vue";
import type { TandemClient } from "../../../shared/client";
import { type Problem, fromDiagnostic, fromError, fromOutcome, mergeProblems } from "../lib/problems";
import { useEditor } from "./editor";
import { useEngine } from "./engine";
import { useExport } from "./export";
import { useGraph } from "./graph";
import { useRun } from "./run";

/**
 * What spans the window's parts: connecting to the engine (and acting on the desktop menu's
 * commands), the problems every part found, and Run both / Cancel all. The parts are stores of
 * their own: the editor and its file (editor.ts), the run columns (run.ts), the graph view
 * (graph.ts), the ONNX export (export.ts); the engine's client is engine.ts's.
 */
export const useWorkbench = defineStore("workbench", () => {
  const engine = useEngine();
  const editor = useEditor();
  const run = useRun();
  const graph = useGraph();
  const exporting = useExport();

  const problems = computed<Problem[]>(() => {
    const lists: Problem[][] = [editor.checkProblems];
    for (const column of Object.values(run.columns)) if (column.outcome) lists.push(fromOutcome(column.outcome, column.id));
    const traced = graph.graphView.result;
    if (traced && !traced.ok) lists.push([fromError(traced.error, "graph view"), ...traced.diagnostics.map((d) => fromDiagnostic(d, "graph view"))]);
    const exported = exporting.exportState.result;
    if (exported && !exported.ok) lists.push([fromError(exported.error, "export")]);
    return mergeProblems(lists);
  });

  const busy = computed(() => Object.values(run.columns).some((c) => c.status === "running"));

  function attach(c: TandemClient) {
    c.on("shell", (command) => {
      if (command.command === "new") editor.newModel();
      else if (command.command === "open") editor.load(command.path, command.text, command.path);
      else if (command.command === "save") void editor.save(false);
      else if (command.command === "saveAs") void editor.save(true);
      else if (command.command === "exportOnnx") void exporting.exportTo(command.path);
    });
    void engine.attach(c);
  }

  function connectionLost() {
    engine.connection = "lost";
    run.connectionLost();
  }

  async function cancelAll(): Promise<void> {
    await Promise.all([run.cancel("eager"), run.cancel("graph"), graph.cancel().catch(() => false), exporting.cancel().catch(() => false)]);
  }

  return { problems, busy, attach, connectionLost, runBoth: run.runBoth, cancelAll };
});
