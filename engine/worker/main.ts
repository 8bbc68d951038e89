/**
 * The worker process: compiles and runs user model code, so that an infinite loop, a crash or an
 * out-of-memory in a model never takes down the caller. Speaks FromWorker/ToWorker over Node IPC.
 */
import type { LogEntry } from "../../shared/run";
import { toModelError } from "./errors";
import { type FromWorker, ToWorker } from "./protocol";
import { runJob } from "./run-job";
import { installStackMapper } from "./stack";

installStackMapper();

function send(message: FromWorker): void {
  process.send?.(message);
}

const logs: LogEntry[] = [];

function fail(error: unknown): void {
  send({ type: "done", outcome: { ok: false, error: toModelError(error), logs, diagnostics: [] } });
}

// Errors thrown later by the model (a timer callback, a rejected promise) still end the job cleanly.
process.on("uncaughtException", (error) => {
  fail(error);
  process.exitCode = 1;
});
process.on("unhandledRejection", (error) => fail(error));

process.on("message", (raw: unknown) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) {
    fail(new Error(`malformed message to the worker: ${parsed.error.issues[0]?.message ?? "invalid"}`));
    return;
  }
  const sink = (entry: LogEntry) => {
    logs.push(entry);
    send({ type: "log", entry });
  };
  runJob(parsed.data.request, sink).then(
    (result) => send({ type: "done", outcome: { ok: true, result: { ...result, logs } } }),
    fail,
  );
});

send({ type: "ready" });
