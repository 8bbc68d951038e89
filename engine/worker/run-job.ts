import * as tf from "@tensorflow/tfjs-core";
import path from "node:path";
import type { LogEntry, RunRequest, RunResult } from "../../shared/run";
import { type Tensor, manual_seed } from "../api";
import { setBackend, setBestBackend } from "../eager/backend";
import { compileModel } from "../model/compile";
import { captureConsole } from "./console";
import { runEager } from "./eager-run";
import { evaluateModel } from "../model/evaluate";
import { runGraph } from "./graph-run";
import { makeInputs } from "../model/inputs";
import { instantiate, parseInputs } from "../model/model-exports";
import { provenance } from "../model/provenance";
import { setBundle } from "../model/stack";
import { measureMemory } from "./run-memory";
import { warmTimings } from "./warm-timings";

const now = () => performance.now();

/** Where a job is, for progress reports. */
export type JobPhase = "compiling" | "constructing" | "running";

/**
 * One run of a model file: compile, evaluate, construct (seeded), generate inputs, run it in the
 * requested mode once cold and `repeat` times warm, and summarise the outputs. Logs go to `logs` as
 * they happen. The model's weights and inputs are freed at the end: a worker runs many jobs.
 */
export async function runJob(request: RunRequest, logs: (entry: LogEntry) => void, phase: (p: JobPhase) => void = () => {}): Promise<RunResult> {
  const backend = request.backend === "auto" ? await setBestBackend() : await setBackend(request.backend);
  const file = path.resolve(request.file);

  phase("compiling");
  const compileStart = now();
  const compiled = await compileModel(file, request.source);
  setBundle(compiled);
  const compileMs = now() - compileStart;

  // Warm passes repeat the cold one's prints; keep the first pass's and count the rest.
  let muted = false;
  let mutedLines = 0;
  const restoreConsole = captureConsole((entry) => (muted ? mutedLines++ : logs(entry)));
  // Everything the job makes is freed when it ends: the scope takes the intermediates, `owned` the
  // tensors that tfjs keeps past scopes (parameters, buffers).
  const owned: Tensor[] = [];
  tf.engine().startScope();
  try {
    phase("constructing");
    manual_seed(request.seed);
    const constructStart = now();
    const exports = evaluateModel(compiled);
    const model = instantiate(exports, file, request.source);
    owned.push(...model.parameters(), ...model.buffers());
    model.eval();
    const constructMs = now() - constructStart;

    const inputs = makeInputs(parseInputs(exports, file, request.source), request.seed);
    const args = inputs.map((i) => i.value);
    owned.push(...args);
    phase("running");
    const ctx = { model, args, inputNames: inputs.map((i) => i.name), request, sourceHash: compiled.sourceHash, muteLogs: (m: boolean) => (muted = m) };
    const { value: run, memory } = await measureMemory(async () => (request.mode === "eager" ? runEager(ctx) : await runGraph(ctx)));
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
      inputs: inputs.map((i) => ({ name: i.name, shape: [...i.value.rawShape], dtype: i.value.dtype })),
      outputs: run.outputs,
      timings: {
        compileMs,
        constructMs,
        firstForwardMs: run.firstForwardMs,
        ...warmTimings(run.warmMs),
      },
      memory,
      graph: run.graph,
      logs: [],
      diagnostics: [],
      provenance: provenance(),
    };
  } finally {
    restoreConsole();
    tf.engine().endScope();
    for (const t of new Set(owned)) t.raw.dispose();
  }
}
