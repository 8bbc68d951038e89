import { defineStore } from "pinia";
import { computed, ref, watch } from "vue";
import { errorMessage } from "../../../shared/client";
import type { SourceLocation } from "../../../shared/run";
import { EXAMPLES, type Example } from "../examples";
import { browserDraftStorage, createDrafts } from "../lib/drafts";
import { type Problem, fromDiagnostic } from "../lib/problems";
import { useEngine } from "./engine";

/**
 * The model being edited and its file: the text, its name and where it lives on disk, examples,
 * New / Open / Save, the type check's problems, and requests for the editor to reveal a line.
 *
 * Loading another model bumps `generation`: the stores that show results of the old one (run
 * columns, graph view, export, the imported-code guard) watch it and clear what they showed.
 *
 * Unsaved text is kept as a draft in the browser's storage (lib/drafts.ts): loading a file that
 * has one brings it back, and the window starts with the buffer it had open last.
 */

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

export const useEditor = defineStore("editor", () => {
  const engine = useEngine();
  const drafts = createDrafts(browserDraftStorage());
  const filename = ref("model.ts");
  /** Where the file is on disk (desktop app's openFile/saveFile), null for a new or example model. */
  const filePath = ref<string | null>(null);
  const source = ref("");
  const savedSource = ref("");
  const exampleId = ref<string | null>(null);
  /** Counts the models loaded into the editor (not edits): what shows results of the last one watches it. */
  const generation = ref(0);
  const dirty = computed(() => source.value !== savedSource.value);
  const stem = computed(() => (filename.value.split(/[\\/]/).pop() ?? "model.ts").replace(/\.[cm]?tsx?$/, ""));
  const checkProblems = ref<Problem[]>([]);
  /** A request for the editor to put its cursor somewhere; the nonce makes a repeat click count. */
  const reveal = ref<{ location: SourceLocation; nonce: number } | null>(null);

  /** The model as the contract's calls take it. */
  const model = () => ({ source: source.value, filename: filename.value.trim() || "model.ts" });

  function load(name: string, text: string, path: string | null, example: string | null = null) {
    filename.value = name;
    filePath.value = path;
    source.value = drafts.draftFor({ filename: name, filePath: path, exampleId: example, saved: text }) ?? text;
    savedSource.value = text;
    exampleId.value = example;
    checkProblems.value = [];
    generation.value++;
  }

  /** The buffer the window had open when it last ran, with its unsaved text; false on a first start. */
  function restoreLast(): boolean {
    const last = drafts.lastBuffer();
    if (!last) return false;
    load(last.filename, last.saved, last.filePath, last.exampleId);
    return true;
  }

  // Every edit, load and save updates the draft (localStorage writes are small and synchronous).
  watch([source, savedSource, filename, filePath, exampleId], () =>
    drafts.remember({ filename: filename.value, filePath: filePath.value, exampleId: exampleId.value, saved: savedSource.value, text: source.value }),
  );

  /** A saved run's source back in the editor (sessions sidebar); whatever the columns showed goes. */
  function restoreSource(name: string, text: string) {
    load(name, text, null);
  }

  function loadExample(example: Example) {
    load(example.filename, example.source, null, example.id);
  }

  function newModel() {
    load("model.ts", NEW_MODEL, null);
  }

  function openText(name: string, text: string) {
    load(name, text, null);
  }

  async function check(): Promise<void> {
    const c = engine.client;
    if (!c) return;
    try {
      const { diagnostics } = await c.check({ model: model() });
      checkProblems.value = diagnostics.map((d) => fromDiagnostic(d, "check"));
      engine.say(diagnostics.length ? `${diagnostics.length} type problem${diagnostics.length === 1 ? "" : "s"}` : "no type errors");
    } catch (error) {
      engine.say(`type check failed: ${errorMessage(error)}`, "error");
    }
  }

  /** Open a model: the desktop app's dialog when the host offers files, else the caller's file input. */
  async function openWithHost(): Promise<boolean> {
    const c = engine.client;
    if (!c || !engine.hello?.files) return false;
    try {
      const result = await c.openFile({});
      if ("path" in result) load(result.path.split(/[\\/]/).pop() ?? result.path, result.text, result.path);
    } catch (error) {
      engine.say(`could not open: ${errorMessage(error)}`, "error");
    }
    return true;
  }

  /** Save: through the host (desktop: native dialog / the file's path), else as a browser download. */
  async function save(saveAs: boolean): Promise<"host" | "download"> {
    const c = engine.client;
    if (c && engine.hello?.files) {
      try {
        const result = await c.saveFile({ path: saveAs ? null : filePath.value, text: source.value });
        if ("path" in result) {
          filePath.value = result.path;
          filename.value = result.path.split(/[\\/]/).pop() ?? result.path;
          savedSource.value = source.value;
          engine.say(`saved ${result.path}`);
        }
      } catch (error) {
        engine.say(`could not save: ${errorMessage(error)}`, "error");
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
    filename,
    filePath,
    source,
    exampleId,
    generation,
    dirty,
    stem,
    checkProblems,
    reveal,
    examples: EXAMPLES,
    model,
    load,
    restoreLast,
    restoreSource,
    loadExample,
    newModel,
    openText,
    check,
    openWithHost,
    save,
    revealLocation,
  };
});
