import vm from "node:vm";
import path from "node:path";
import type { CompiledModel } from "./compile";
import { guardedApi } from "./missing-api";

export type ModelExports = Record<string, unknown>;

/**
 * `require` inside a model bundle: only "tandem" is left unbundled, and it is the engine's API, whose
 * names the model lacks raise a clear error (missing-api.ts).
 */
function modelRequire(specifier: string): unknown {
  if (specifier === "tandem") return guardedApi();
  throw new Error(`model files may import only "tandem" and relative files, not "${specifier}"`);
}

/**
 * Runs the bundle's top level in this process (the worker) and returns its exports. compileFunction
 * keeps line and column numbers exactly as in the bundle, so the source map applies unchanged.
 */
export function evaluateModel(compiled: CompiledModel): ModelExports {
  const fn = vm.compileFunction(compiled.code, ["exports", "require", "module", "__filename", "__dirname"], {
    filename: compiled.bundleFile,
  });
  const module = { exports: {} as ModelExports };
  fn(module.exports, modelRequire, module, compiled.bundleFile, path.dirname(compiled.bundleFile));
  return module.exports;
}
