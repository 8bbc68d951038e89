import type { Diagnostic } from "../../shared/diagnostics";
import { RunRequest, type RunOutcome, type RunRequestInput } from "../../shared/run";
import { type WorkerOptions, runInWorker } from "./worker-job";

export type RunOptions = WorkerOptions;

async function safeTypecheck(file: string, source?: string): Promise<Diagnostic[]> {
  try {
    // Loaded on first use: the TypeScript compiler is a large module that a run may not need.
    const { typecheckModel } = await import("../check/typecheck");
    return typecheckModel(file, source);
  } catch (error) {
    // A checker failure must not cost the user their run; say so in the diagnostics instead.
    const message = `type check could not run: ${error instanceof Error ? error.message : String(error)}`;
    return [{ severity: "warning", code: "tandem", message, location: null }];
  }
}

/**
 * Runs a model file in a worker and, meanwhile, type-checks it here: the worker spends its first
 * second starting Node and tfjs, which is time the checker would otherwise add to the run.
 */
export async function runModel(input: RunRequestInput, options: RunOptions = {}): Promise<RunOutcome> {
  const request = RunRequest.parse(input);
  const job = runInWorker({ ...request, typecheck: false }, options); // checked here, meanwhile
  const diagnostics = request.typecheck ? await safeTypecheck(request.file, request.source) : [];
  const outcome = await job;
  return outcome.ok ? { ok: true, result: { ...outcome.result, diagnostics } } : { ...outcome, diagnostics };
}
