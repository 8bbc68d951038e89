import { readFileSync } from "node:fs";
import type { SourceLocation } from "../../shared/run";
import { nn } from "../api";
import { TensorTooLargeError, checkAllocation } from "../api/allocation";
import { toDType } from "../api/dtype";
import { ExportError } from "./errors";
import type { ModelExports } from "./evaluate";
import { InputSpecs, describeInputsProblem } from "./inputs";

/** Where a declaration such as `export const inputs` starts in the user's file, for export errors. */
function locate(file: string, pattern: RegExp, source?: string): SourceLocation {
  const text = source ?? readFileSync(file, "utf8");
  const match = pattern.exec(text);
  if (!match) return { file, line: 1, column: 1 };
  const before = text.slice(0, match.index).split("\n");
  return { file, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** `source` is the model's text when it did not come from `file` on disk (an editor buffer). */
export function instantiate(exports: ModelExports, file: string, source?: string): nn.Module {
  const root = exports.default;
  if (root === undefined) {
    throw new ExportError("the model file has no default export: add `export default class Net extends nn.Module { ... }`", { file, line: 1, column: 1 });
  }
  if (root instanceof nn.Module) return root;
  if (typeof root === "function" && root.prototype instanceof nn.Module) {
    return new (root as new () => nn.Module)();
  }
  const what = typeof root === "function" ? `class or function ${root.name || "(anonymous)"} that does not extend nn.Module` : typeof root;
  throw new ExportError(`the default export must be an nn.Module subclass or instance, got ${what}`, locate(file, /export\s+default/, source));
}

export function parseInputs(exports: ModelExports, file: string, source?: string): InputSpecs {
  if (exports.inputs === undefined) {
    throw new ExportError("the model file has no `inputs` export: add e.g. `export const inputs = { x: [8, 784] }`", { file, line: 1, column: 1 });
  }
  const declaration = /export\s+(const|let|var)\s+inputs\b/;
  const parsed = InputSpecs.safeParse(exports.inputs);
  if (!parsed.success) throw new ExportError(describeInputsProblem(parsed.error), locate(file, declaration, source));
  try {
    for (const [name, spec] of Object.entries(parsed.data)) {
      const { shape, dtype } = Array.isArray(spec) ? { shape: spec, dtype: "float32" } : spec;
      checkAllocation(`input "${name}"`, shape, toDType(dtype));
    }
  } catch (error) {
    // The inputs are made by Tandem, not at a line of the model: point at their declaration.
    if (error instanceof TensorTooLargeError) throw new TensorTooLargeError(error.what, error.shape, error.dtype, error.bytes, error.limitBytes, locate(file, declaration, source));
    throw error;
  }
  return parsed.data;
}

