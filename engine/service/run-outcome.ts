import type { RunOutcome } from "../../shared/run";
import type { JobEnd } from "../runner/worker-process";

/** A run's outcome from how its job ended; the supervisor's log list has what the worker printed too. */
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
