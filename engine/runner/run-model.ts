import { RunRequest, type RunOutcome, type RunRequestInput } from "../../shared/run";
import { type WorkerOptions, runInWorker } from "./worker-job";
import { typecheckForRun } from "../check/safe";

export type RunOptions = WorkerOptions;


/**
 * Runs a model file in a worker and, meanwhile, type-checks it here: the worker spends its first
 * second starting Node and tfjs, which is time the checker would otherwise add to the run.
 */
export async function runModel(input: RunRequestInput, options: RunOptions = {}): Promise<RunOutcome> {
  const request = RunRequest.parse(input);
  const job = runInWorker({ ...request, typecheck: false }, options); // checked here, meanwhile
  const diagnostics = request.typecheck ? await typecheckForRun(request.file, request.source) : [];
  const outcome = await job;
  return outcome.ok ? { ok: true, result: { ...outcome.result, diagnostics } } : { ...outcome, diagnostics };
}
