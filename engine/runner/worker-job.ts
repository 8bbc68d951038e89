import type { LogEntry, RunOutcome, RunRequest } from "../../shared/run";
import { type JobEnd, type WorkerLauncher, WorkerProcess, nodeLauncher } from "./worker-process";

/** How long a fresh worker may take to load Node and tfjs before we call it broken. */
export const STARTUP_LIMIT_MS = 60_000;

export interface WorkerOptions {
  /** Called for each console line of the model as it happens. */
  onLog?: (entry: LogEntry) => void;
  /** V8 heap limit of the worker; beyond it the worker dies and the run reports out-of-memory. */
  maxOldSpaceMb?: number;
  /** Starts the worker process; a Node child process by default. */
  launcher?: WorkerLauncher;
}

/** A run's outcome from how its job ended; the runner's log list has what the worker printed too. */
export function runOutcome(end: JobEnd): RunOutcome {
  if (end.type === "failed") return { ok: false, error: end.error, logs: end.logs, diagnostics: [] };
  const reply = end.reply;
  if (reply.type === "run") {
    const outcome = reply.outcome;
    return outcome.ok ? { ok: true, result: { ...outcome.result, logs: end.logs } } : { ...outcome, logs: end.logs };
  }
  const message = reply.type === "error" ? reply.message : `the worker answered a run with a ${reply.type} reply`;
  return { ok: false, error: { kind: "internal", message, location: null, stack: [], op: null }, logs: end.logs, diagnostics: [] };
}

/**
 * Runs one job in a fresh worker process and resolves with its outcome; never rejects for anything
 * the model does. The time limit covers the job itself, not the worker's start-up. The worker is
 * stopped afterwards: the CLI runs one model per process (the service keeps a pool instead).
 */
export async function runInWorker(request: RunRequest, options: WorkerOptions = {}): Promise<RunOutcome> {
  const worker = new WorkerProcess(options.launcher ?? nodeLauncher(), { maxOldSpaceMb: options.maxOldSpaceMb ?? 4096, startupTimeoutMs: STARTUP_LIMIT_MS });
  try {
    await worker.ready;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { kind: "internal", message, location: null, stack: [], op: null }, logs: [], diagnostics: [] };
  }
  try {
    const end = await worker.run({ type: "run", request }, { timeoutMs: request.timeoutMs, ...(options.onLog ? { onLog: options.onLog } : {}), timeoutAdvice: "raise the limit with --timeout" });
    return runOutcome(end);
  } finally {
    worker.kill();
  }
}
