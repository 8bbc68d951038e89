import { type ChildProcess, fork } from "node:child_process";
import { ensureBuilt } from "../../bin/build.mjs";
import type { LogEntry, ModelError, RunOutcome, RunRequest } from "../../shared/run";
import { FromWorker, type ToWorker } from "../worker/protocol";

/** How long a fresh worker may take to load Node, tsx and tfjs before we call it broken. */
const STARTUP_LIMIT_MS = 60_000;
const STDERR_TAIL = 4_000;

export interface WorkerOptions {
  /** Called for each console line of the model as it happens. */
  onLog?: (entry: LogEntry) => void;
  /** V8 heap limit of the worker; beyond it the worker dies and the run reports out-of-memory. */
  maxOldSpaceMb?: number;
}

const isV8OomReport = (line: string): boolean =>
  /^\s*(<---|\[\d+:0x[0-9a-f]+\]|FATAL ERROR|----- Native stack|\d+: 0x[0-9a-f]+)/.test(line);

function failure(kind: ModelError["kind"], message: string, logs: LogEntry[], stack: string[] = []): RunOutcome {
  return { ok: false, error: { kind, message, location: null, stack, op: null }, logs, diagnostics: [] };
}

async function spawnWorker(maxOldSpaceMb: number): Promise<ChildProcess> {
  const { worker } = await ensureBuilt();
  return fork(worker, [], {
    execArgv: [`--max-old-space-size=${maxOldSpaceMb}`],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
  });
}

/**
 * Runs one job in a fresh worker process and resolves with its outcome; never rejects for anything
 * the model does. The time limit covers the job itself, not the worker's start-up.
 */
export async function runInWorker(request: RunRequest, options: WorkerOptions = {}): Promise<RunOutcome> {
  const logs: LogEntry[] = [];
  const child = await spawnWorker(options.maxOldSpaceMb ?? 4096);
  let stderr = "";

  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      resolve(outcome);
    };
    const log = (entry: LogEntry) => {
      logs.push(entry);
      options.onLog?.(entry);
    };
    const stream = (level: "stdout" | "stderr") => (chunk: Buffer) => {
      const text = chunk.toString();
      if (level === "stderr") stderr = (stderr + text).slice(-STDERR_TAIL);
      for (const line of text.split("\n").filter((l) => l.trim())) log({ level, text: line, location: null });
    };
    child.stdout?.on("data", stream("stdout"));
    child.stderr?.on("data", stream("stderr"));

    timer = setTimeout(() => finish(failure("internal", `the worker did not start within ${STARTUP_LIMIT_MS / 1000} s`, logs)), STARTUP_LIMIT_MS);

    child.on("message", (raw: unknown) => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success) {
        finish(failure("internal", `malformed message from the worker: ${parsed.error.issues[0]?.message ?? "invalid"}`, logs));
        return;
      }
      const message = parsed.data;
      if (message.type === "ready") {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const seconds = request.timeoutMs / 1000;
          finish(failure("timeout", `the model did not finish within ${seconds} s and its worker was stopped (an infinite loop?); raise the limit with --timeout`, logs));
        }, request.timeoutMs);
        child.send({ type: "run", request } satisfies ToWorker);
      } else if (message.type === "log") {
        log(message.entry);
      } else {
        const outcome = message.outcome;
        // The worker's own log list lacks what it printed to stdout/stderr; the runner's has both.
        finish(outcome.ok ? { ok: true, result: { ...outcome.result, logs } } : { ...outcome, logs });
      }
    });

    child.on("error", (error) => finish(failure("internal", `could not start the worker: ${error.message}`, logs)));
    child.on("exit", (code, signal) => {
      const tail = stderr.trim().split("\n").filter((l) => l.trim()).slice(-8);
      if (/heap out of memory|Allocation failed|out of memory/i.test(stderr)) {
        // V8's dying report (GC trace, native frames) says nothing about the model: keep its verdict only.
        const kept = logs.filter((e) => e.level !== "stderr" || !isV8OomReport(e.text));
        const verdict = stderr.split("\n").filter((l) => l.startsWith("FATAL ERROR"));
        finish(failure("oom", `the model ran out of memory (worker heap limit ${options.maxOldSpaceMb ?? 4096} MB) and its worker was stopped`, kept, verdict));
      } else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        finish(failure("crash", `the worker process died before the run finished (${how})`, logs, tail));
      }
    });
  });
}
