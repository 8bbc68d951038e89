import { defineStore } from "pinia";
import { computed, ref, watch } from "vue";
import { readLocal, writeLocal } from "../lib/local";
import { useEditor } from "./editor";

/**
 * The guard in front of code that came in a bundle. When the editor's source is opened from a run
 * imported from a bundle (origin "imported-from <file>"), `imported` is set. The next run of any
 * kind asks first, once per imported source (its snapshot hash, remembered in localStorage). Edits
 * keep the flag: code from elsewhere with a line changed is still mostly code from elsewhere.
 * Loading another model (an example, New, Open, a local run's source) clears it.
 */

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

/** The guard's state and actions. */
function importedCodeGuard() {
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

  return { imported, needsTrust, trustPrompt, ensureTrusted, answerTrust, sourceReplaced };
}

/**
 * The guard as a store: what runs the editor's model (run columns, export, bench) asks it first,
 * and opening a saved run sets `imported`. Any other model loaded into the editor clears it.
 */
export const useImportedCode = defineStore("importedCode", () => {
  const guard = importedCodeGuard();
  // Synchronous: a saved run's source is loaded, then marked imported, in one step.
  watch(() => useEditor().generation, guard.sourceReplaced, { flush: "sync" });
  return guard;
});
