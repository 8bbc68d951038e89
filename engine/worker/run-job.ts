import * as tf from "@tensorflow/tfjs-core";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LogEntry, OutputSummary, RunRequest, RunResult, SourceLocation } from "../../shared/run";
import type { Tensor} from "../api";
import { manual_seed, nn } from "../api";
import { setBackend, setBestBackend } from "../eager/backend";
import { flattenOutputs } from "../eager/outputs";
import { compileModel } from "./compile";
import { captureConsole } from "./console";
import { ExportError } from "./errors";
import { type ModelExports, evaluateModel } from "./evaluate";
import { InputSpecs, describeInputsProblem, makeInputs } from "./inputs";
import { provenance } from "./provenance";
import { setBundle } from "./stack";

const now = () => performance.now();

/** Where a declaration such as `export const inputs` starts in the user's file, for export errors. */
function locate(file: string, pattern: RegExp): SourceLocation {
  const text = readFileSync(file, "utf8");
  const match = pattern.exec(text);
  if (!match) return { file, line: 1, column: 1 };
  const before = text.slice(0, match.index).split("\n");
  return { file, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function instantiate(exports: ModelExports, file: string): nn.Module {
  const root = exports.default;
  if (root === undefined) {
    throw new ExportError("the model file has no default export: add `export default class Net extends nn.Module { ... }`", { file, line: 1, column: 1 });
  }
  if (root instanceof nn.Module) return root;
  if (typeof root === "function" && root.prototype instanceof nn.Module) {
    return new (root as new () => nn.Module)();
  }
  const what = typeof root === "function" ? `class or function ${root.name || "(anonymous)"} that does not extend nn.Module` : typeof root;
  throw new ExportError(`the default export must be an nn.Module subclass or instance, got ${what}`, locate(file, /export\s+default/));
}

function parseInputs(exports: ModelExports, file: string): InputSpecs {
  if (exports.inputs === undefined) {
    throw new ExportError("the model file has no `inputs` export: add e.g. `export const inputs = { x: [8, 784] }`", { file, line: 1, column: 1 });
  }
  const parsed = InputSpecs.safeParse(exports.inputs);
  if (!parsed.success) throw new ExportError(describeInputsProblem(parsed.error), locate(file, /export\s+(const|let|var)\s+inputs\b/));
  return parsed.data;
}

function summarize(name: string, t: Tensor, previewCount: number): OutputSummary {
  const values = t.raw.dataSync() as Float32Array | Int32Array | Uint8Array;
  let sum = 0;
  let hasNaN = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    if (v !== v) hasNaN = true;
  }
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return {
    name,
    shape: [...t.shape],
    dtype: t.dtype,
    preview: Array.from(values.subarray(0, previewCount), Number),
    sum,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    hasNaN,
  };
}

/** Runs forward inside a tfjs scope so every intermediate tensor is freed when it ends. */
function timedForward<T>(model: nn.Module, args: Tensor[], use: (output: unknown) => T): { ms: number; value: T } {
  tf.engine().startScope();
  try {
    const start = now();
    const output = (model as unknown as (...a: Tensor[]) => unknown)(...args);
    const ms = now() - start;
    return { ms, value: use(output) };
  } finally {
    tf.engine().endScope();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * One eager run of a model file: compile, evaluate, construct (seeded), generate inputs, run forward
 * once cold and `repeat` times warm, and summarise the outputs. Logs go to `logs` as they happen.
 */
export async function runJob(request: RunRequest, logs: (entry: LogEntry) => void): Promise<RunResult> {
  const backend = request.backend === "auto" ? await setBestBackend() : await setBackend(request.backend);
  const file = path.resolve(request.file);

  const compileStart = now();
  const compiled = await compileModel(file);
  setBundle(compiled);
  const compileMs = now() - compileStart;

  // Warm passes repeat the cold one's prints; keep the first pass's and count the rest.
  let muted = false;
  let mutedLines = 0;
  const restoreConsole = captureConsole((entry) => (muted ? mutedLines++ : logs(entry)));
  try {
    manual_seed(request.seed);
    const constructStart = now();
    const exports = evaluateModel(compiled);
    const model = instantiate(exports, file);
    model.eval();
    const constructMs = now() - constructStart;

    const inputs = makeInputs(parseInputs(exports, file), request.seed);
    const args = inputs.map((i) => i.value);

    const first = timedForward(model, args, (output) =>
      flattenOutputs(output).map(([name, t]) => summarize(name, t, request.previewValues)),
    );
    const warm: number[] = [];
    muted = true;
    for (let i = 0; i < request.repeat; i++) warm.push(timedForward(model, args, () => null).ms);
    muted = false;
    if (mutedLines) logs({ level: "info", text: `(${mutedLines} more lines from the ${request.repeat} warm passes not shown)`, location: null });

    const params = model.parameters();
    return {
      file,
      sourceHash: compiled.sourceHash,
      mode: request.mode,
      backend,
      seed: request.seed,
      model: {
        className: model.constructor.name,
        parameters: params.reduce((n, p) => n + p.numel(), 0),
        parameterBytes: params.reduce((n, p) => n + p.numel() * (p.dtype === "bool" ? 1 : 4), 0),
      },
      inputs: inputs.map((i) => ({ name: i.name, shape: [...i.value.shape], dtype: i.value.dtype })),
      outputs: first.value,
      timings: {
        compileMs,
        constructMs,
        firstForwardMs: first.ms,
        warmForwardMs: warm.length ? median(warm) : null,
        warmRuns: warm.length,
      },
      logs: [],
      diagnostics: [],
      provenance: provenance(),
    };
  } finally {
    restoreConsole();
  }
}
