/**
 * The worker process: compiles and runs user model code, so that an infinite loop, a crash or an
 * out-of-memory in a model never takes down the caller. It is long-lived and handles jobs one at a
 * time (ToWorker/FromWorker, engine/worker/protocol.ts); everything a job sets up (console capture,
 * the bundle's source map, the seed, the model's tensors) is undone before the next one starts.
 *
 * It speaks over Node's IPC channel when forked by Node (`process.send`), and over Electron's
 * `process.parentPort` when it is a utilityProcess: the messages are the same.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BenchOutcome, BenchRequest } from "../../shared/bench";
import type { LogEntry, RunOutcome, RunRequest } from "../../shared/run";
import { listBackends } from "../eager/backend";
import { toModelError } from "../model/errors";
import { type FromWorker, ToWorker, type WorkerReply } from "./protocol";
import { runJob } from "./run-job";
import { installStackMapper, setBundle } from "../model/stack";
import { armWatchdog, disarmWatchdog, watchdogDelay } from "./watchdog";
import { typecheckForRun, warmTypechecker } from "../check/safe";

installStackMapper();

/** Electron's utilityProcess port, typed here so that the engine does not depend on Electron. */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

/** Sends a message; `then` runs once it has left this process (before an exit, say). */
function send(message: FromWorker, then?: () => void): void {
  if (parentPort) {
    parentPort.postMessage(message);
    if (then) setTimeout(then, 20);
  } else if (process.send) {
    process.send(message, undefined, undefined, () => then?.());
  } else {
    then?.();
  }
}

interface Current {
  job: string;
  type: ToWorker["type"];
  logs: LogEntry[];
}
let current: Current | null = null;
const queue: Exclude<ToWorker, { type: "stop" }>[] = [];
/** Jobs asked to stop early (benchmarks); a stop may arrive while its job still waits in the queue. */
const stopRequested = new Set<string>();

/** What a job could leave behind for the next one: pending timers and live tensors. */
function leftovers(): { timers: number; tensors: number } {
  const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout" || r === "Immediate").length;
  return { timers, tensors: tf.engine().state.numTensors };
}

async function run(job: string, request: RunRequest, logs: LogEntry[]): Promise<RunOutcome> {
  const sink = (entry: LogEntry) => {
    logs.push(entry);
    send({ type: "log", job, entry });
  };
  const checked = async () => {
    disarmWatchdog(); // the type check is Tandem's work, under a limit of its own
    if (!request.typecheck) return [];
    send({ type: "progress", job, phase: "checking" });
    return typecheckForRun(request.file, request.source);
  };
  armWatchdog(job, watchdogDelay(request.timeoutMs));
  try {
    const result = await runJob(request, sink, (phase) => send({ type: "progress", job, phase }));
    return { ok: true, result: { ...result, logs, diagnostics: await checked() } };
  } catch (error) {
    const modelError = toModelError(error); // while the bundle's source map is still set
    return { ok: false, error: modelError, logs, diagnostics: await checked() };
  }
}

/**
 * A benchmark: its code loads only when one comes (a run never needs it). It stops early, with what
 * it measured, on a `stop` message or on SIGINT: Ctrl-C in a terminal reaches the whole process
 * group, and the worker must then finish the block in progress rather than die with the figures.
 */
async function bench(job: string, request: BenchRequest): Promise<BenchOutcome> {
  const stop = () => void stopRequested.add(job);
  process.on("SIGINT", stop);
  if (request.timeoutMs) armWatchdog(job, watchdogDelay(request.timeoutMs));
  try {
    const { runBenchJob } = await import("../bench/job");
    const { result, peak } = await runBenchJob(request, { shouldStop: () => stopRequested.has(job), progress: (progress) => send({ type: "benchProgress", job, progress }) });
    return { ok: true, result, peak };
  } catch (error) {
    return { ok: false, error: toModelError(error) };
  } finally {
    process.off("SIGINT", stop);
  }
}

async function handle(message: Exclude<ToWorker, { type: "warm" | "stop" }>): Promise<void> {
  const logs: LogEntry[] = [];
  current = { job: message.job, type: message.type, logs };
  const before = leftovers();
  let reply: WorkerReply;
  try {
    switch (message.type) {
      case "run":
        reply = { type: "run", outcome: await run(message.job, message.request, logs) };
        break;
      case "check":
        send({ type: "progress", job: message.job, phase: "checking" });
        reply = { type: "check", diagnostics: await typecheckForRun(message.file, message.source) };
        break;
      case "backends":
        reply = { type: "backends", backends: await listBackends() };
        break;
      case "bench":
        reply = { type: "bench", outcome: await bench(message.job, message.request) };
        break;
    }
  } catch (error) {
    reply = { type: "error", message: error instanceof Error ? error.message : String(error) };
  } finally {
    disarmWatchdog();
    setBundle(null);
    current = null;
    stopRequested.delete(message.job);
  }
  const after = leftovers();
  send({ type: "done", job: message.job, clean: after.timers <= before.timers && after.tensors <= before.tensors, reply });
}

let draining = false;
async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  // A warm-up waits in the queue like a job: one that arrives meanwhile starts after it, not inside it.
  for (let next = queue.shift(); next; next = queue.shift()) await (next.type === "warm" ? warmTypechecker() : handle(next));
  draining = false;
}

function receive(raw: unknown): void {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) {
    const job = (raw as { job?: unknown } | null)?.job;
    const text = `malformed message to the worker: ${parsed.error.issues[0]?.message ?? "invalid"}`;
    if (typeof job === "string" && job) send({ type: "done", job, clean: true, reply: { type: "error", message: text } });
    else process.stderr.write(`tandem worker: ${text}\n`);
    return;
  }
  if (parsed.data.type === "stop") {
    const job = parsed.data.job;
    // A stop that crossed its job's reply on the way finds nothing to stop, and is dropped.
    if (current?.job === job || queue.some((m) => m.type !== "warm" && m.job === job)) stopRequested.add(job);
    return;
  }
  queue.push(parsed.data);
  void drain();
}

/**
 * Errors thrown later by the model (a timer callback, a rejected promise) end the job that is
 * running with that error, then this worker: what else the model left running is unknown.
 */
function abandon(error: unknown): void {
  const job = current;
  current = null;
  process.exitCode = 70;
  if (!job) {
    process.stderr.write(`tandem worker: uncaught error between jobs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  }
  const reply: WorkerReply =
    job.type === "run"
      ? { type: "run", outcome: { ok: false, error: toModelError(error), logs: job.logs, diagnostics: [] } }
      : job.type === "bench"
        ? { type: "bench", outcome: { ok: false, error: toModelError(error) } }
        : { type: "error", message: error instanceof Error ? error.message : String(error) };
  send({ type: "done", job: job.job, clean: false, reply }, () => process.exit(70));
}
process.on("uncaughtException", abandon);
process.on("unhandledRejection", abandon);

if (parentPort) parentPort.on("message", (event) => receive(event.data));
else {
  process.on("message", receive);
  // The supervisor is gone (its process quit mid-job, say): nobody is left to read a result.
  process.on("disconnect", () => process.exit(0));
}

send({ type: "ready", pid: process.pid });
