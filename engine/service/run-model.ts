import type { ModelRef, ParamsInput } from "../../shared/contract";
import type { BenchOutcome, BenchProgress, BenchRequestInput } from "../../shared/bench";
import type { Diagnostic } from "../../shared/diagnostics";
import type { LogEntry, ModelError, RunOutcome, RunRequestInput } from "../../shared/run";
import { type InProcessOptions, withInProcessEngine } from "./in-process";

/**
 * One model run, type check or benchmark of a file: the CLI's and the scripts' way in. Each is a
 * contract call on an in-process engine (engine/service/in-process.ts) with a worker of its own,
 * stopped afterwards; runModel and runBench never reject for anything the model does.
 */

export interface RunOptions extends InProcessOptions {
  /** Called for each console line of the model as it happens. */
  onLog?: (entry: LogEntry) => void;
}

/** How the CLI tells its user to raise a time limit. */
export const CLI_TIMEOUT_ADVICE = "raise the limit with --timeout";

const modelRef = (file: string, source: string | undefined): ModelRef => (source === undefined ? { file } : { source, filename: file });

const internal = (error: unknown): ModelError => ({ kind: "internal", message: error instanceof Error ? error.message : String(error), location: null, stack: [], op: null });

export async function runModel(input: RunRequestInput, options: RunOptions = {}): Promise<RunOutcome> {
  const { file, source, ...request } = input;
  try {
    return await withInProcessEngine({ timeoutAdvice: CLI_TIMEOUT_ADVICE, ...options }, async (tandem) => {
      const id = tandem.nextId();
      const onLog = options.onLog;
      const stopLogs = onLog ? tandem.on("log", (entry, job) => job === id && onLog(entry)) : () => {};
      try {
        const { saved: _saved, saveError: _saveError, ...outcome } = await tandem.run({ model: modelRef(file, source), ...request } as ParamsInput<"run">, { id });
        return outcome;
      } finally {
        stopLogs();
      }
    });
  } catch (error) {
    return { ok: false, error: internal(error), logs: [], diagnostics: [] };
  }
}

export interface BenchOptions extends InProcessOptions {
  onProgress?: (progress: BenchProgress) => void;
  /** Aborting asks the benchmark to stop after the block in progress and answer with what it measured. */
  signal?: AbortSignal;
}

export async function runBench(input: BenchRequestInput, options: BenchOptions = {}): Promise<BenchOutcome> {
  const { file, source, peakCache: _cache, timeoutMs, ...request } = input;
  try {
    return await withInProcessEngine({ timeoutAdvice: CLI_TIMEOUT_ADVICE, ...options }, async (tandem) => {
      const id = tandem.nextId();
      const onProgress = options.onProgress;
      const stopProgress = onProgress ? tandem.on("benchProgress", (progress, job) => job === id && onProgress(progress)) : () => {};
      const stop = () => void tandem.cancel(id).catch(() => {}); // the engine then answers what was measured
      options.signal?.addEventListener("abort", stop, { once: true });
      try {
        const model = file ? modelRef(file, source) : null; // null: the machine's peak alone
        const { saved: _saved, saveError: _saveError, ...outcome } = await tandem.bench({ model, ...request, ...(timeoutMs === undefined ? {} : { timeoutMs }) } as ParamsInput<"bench">, { id });
        return outcome;
      } finally {
        options.signal?.removeEventListener("abort", stop);
        stopProgress();
      }
    });
  } catch (error) {
    return { ok: false, error: internal(error) };
  }
}

/** The type check of a model file, in a worker like the check beside a run; rejects if the checker cannot run. */
export function typecheckFile(file: string, options: InProcessOptions = {}): Promise<Diagnostic[]> {
  return withInProcessEngine(options, async (tandem) => (await tandem.check({ model: { file } })).diagnostics);
}
