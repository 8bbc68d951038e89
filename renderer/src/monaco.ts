import * as monaco from "monaco-editor/esm/vs/editor/editor.api.js";
import "./monaco-features";
import "monaco-editor/esm/vs/languages/definitions/typescript/register.js";
import * as typescript from "monaco-editor/esm/vs/languages/features/typescript/register.js";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker.js?worker";
import TsWorker from "monaco-editor/esm/vs/language/typescript/ts.worker.js?worker";
import { files, shims } from "virtual:tandem-api-types";

export { monaco };

/** Where the `tandem` module's declarations live in the editor's file system. */
export const TANDEM_TYPES_ROOT = "file:///node_modules/tandem";

let ready = false;

/**
 * Monaco, set up once: its workers from this bundle (no CDN; `worker-src 'self'`), TypeScript
 * checking model files as the engine does (strict, ES2022, ES modules), and the `tandem` API's
 * declarations so that completion, hover docs and type errors work for `nn`, `F` and `Tensor`.
 */
export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      return label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker();
    },
  };
  const defaults = typescript.typescriptDefaults;
  defaults.setCompilerOptions({
    target: typescript.ScriptTarget.ES2020,
    module: typescript.ModuleKind.ESNext,
    moduleResolution: typescript.ModuleResolutionKind.NodeJs,
    lib: ["es2022", "dom"],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    useDefineForClassFields: true,
    esModuleInterop: true,
    skipLibCheck: true,
  });
  defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  defaults.setEagerModelSync(true);
  const libs = Object.entries(files).map(([file, content]) => ({ filePath: `${TANDEM_TYPES_ROOT}/${file}`, content }));
  libs.push({ filePath: `${TANDEM_TYPES_ROOT}/index.d.ts`, content: 'export * from "./api/index";\n' });
  libs.push({ filePath: `${TANDEM_TYPES_ROOT}/package.json`, content: JSON.stringify({ name: "tandem", types: "index.d.ts" }) });
  libs.push({ filePath: "file:///node_modules/@types/tandem-shims/index.d.ts", content: shims });
  defaults.setExtraLibs(libs);
  return monaco;
}

/** The theme that follows the system's light or dark preference. */
export const monacoTheme = (dark: boolean): string => (dark ? "vs-dark" : "vs");
